// A small client written against the types openapi-typescript generates from /v1/openapi.json
// (into ./api.d.ts, by GeneratedTypeScriptClientTests). `tsc --noEmit` must accept it: when the
// document changes a shape this file relies on, the test fails. The @ts-expect-error lines must
// stay errors: they check that the types are as strict as the document (no undocumented field,
// only the listed error codes).
import type { components, paths } from "./api";

type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

type LoginBody = Json<paths["/v1/auth/device-login"]["post"]["requestBody"]>;
type LoginAnswer = Json<paths["/v1/auth/device-login"]["post"]["responses"][201]>;
type VoteBody = Json<paths["/v1/polls/{id}/vote"]["post"]["requestBody"]>;
type VoteAnswer = Json<paths["/v1/polls/{id}/vote"]["post"]["responses"][200]>;
type VoteConflict = Json<paths["/v1/polls/{id}/vote"]["post"]["responses"][409]>;
type PollsAnswer = Json<paths["/v1/polls"]["get"]["responses"][200]>;

async function call<T>(baseUrl: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) {
    headers.authorization = `Bearer ${token}`;
  }
  const response = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await response.json()) as T;
}

export async function signIn(baseUrl: string, body: LoginBody): Promise<string> {
  const answer = await call<LoginAnswer>(baseUrl, "POST", "/v1/auth/device-login", null, body);
  return answer.data.accessToken;
}

export async function vote(baseUrl: string, token: string, pollId: string, optionId: string): Promise<boolean> {
  const body: VoteBody = { optionId };
  const answer = await call<VoteAnswer>(baseUrl, "POST", `/v1/polls/${pollId}/vote`, token, body);
  return answer.data.voted && !answer.data.isClosed;
}

export async function openPollCount(baseUrl: string, token: string): Promise<number> {
  const answer = await call<PollsAnswer>(baseUrl, "GET", "/v1/polls?status=active", token);
  const total: number = answer.meta.pagination.total;
  return answer.data.filter((poll) => !poll.isClosed).length + 0 * total;
}

export function alreadyVoted(conflict: VoteConflict): boolean {
  return conflict.error.code === "POLL_ALREADY_VOTED";
}

export const receipt: components["schemas"]["VoteReceipt"] = { pollId: "7d1e6d2a-6f5e-4a39-9d0e-58c0c3f1a001", voted: true, totalVotes: 3, isClosed: false };

// @ts-expect-error: a field the document does not have is not part of the type.
export const withAnUndocumentedField: components["schemas"]["VoteReceipt"] = { ...receipt, optionId: "x" };

// @ts-expect-error: 409 on a vote lists its codes; CIRCLE_FULL is not one of them.
export const notAVoteConflict: VoteConflict["error"]["code"] = "CIRCLE_FULL";
