using System.Globalization;
using System.Net;
using Circly.Core;
using Circly.Core.Circles;
using Circly.Functions.Http;

namespace Circly.Functions.Circles;

/// <summary>
/// The page behind an invite link shared in a chat: the circle's name and size (never who is in
/// it), a button that opens the app, the store buttons, and Open Graph tags for link previews.
/// One self-contained document: inline CSS, an inline SVG logo, no scripts, nothing external.
/// Every piece of text from outside (the circle's name above all) is HTML-encoded.
/// </summary>
public static class InvitePages
{
    public static HtmlResult Invite(InvitePreview circle, InviteLinks links, AppOptions app)
    {
        var members = circle.MemberCount == 1 ? "1 member" : circle.MemberCount.ToString(CultureInfo.InvariantCulture) + " members";
        if (circle.IsExpired || circle.IsFull)
        {
            return Closed(circle, members, app);
        }
        var title = $"Join “{circle.Name}” on Circly";
        var description = $"{members} · Circly is where friends send each other anonymous compliments.";
        var body = $"""
                <p class="eyebrow">You're invited to join</p>
                <h1>{E(circle.Name)}</h1>
                <p class="members">{E(members)}</p>
                <a class="button primary" href="{E(links.AppUrl(circle.InviteCode))}">Open in Circly</a>
                <p class="code">Invite code <strong>{E(circle.InviteCode[..4])} {E(circle.InviteCode[4..])}</strong></p>
                <p class="hint">New to Circly? Get the app, then tap this link again or type the code.</p>
                {StoreButtons(app)}
            """;
        return new HtmlResult(StatusCodes.Status200OK, Document(title, description, links.WebUrl(circle.InviteCode), body, app), HtmlResult.InlineStylesOnly);
    }

    /// <summary>
    /// A full circle (200: the invite is fine, there is no seat) or an expired invite (410): says so
    /// instead of offering a join that would fail with CIRCLE_FULL or CIRCLE_EXPIRED.
    /// </summary>
    private static HtmlResult Closed(InvitePreview circle, string members, AppOptions app)
    {
        var (status, heading, text) = circle.IsExpired
            ? (StatusCodes.Status410Gone, "This invite has expired", "Ask a member of the circle for a new invite.")
            : (StatusCodes.Status200OK, "This circle is full", "Nobody can join until someone leaves or the owner makes room. Ask the friend who sent it.");
        var body = $"""
                <p class="eyebrow">{E(heading)}</p>
                <h1>{E(circle.Name)}</h1>
                <p class="members">{E(members)}</p>
                <p class="hint">{E(text)}</p>
                {StoreButtons(app)}
            """;
        return new HtmlResult(status, Document($"{heading} · Circly", heading + ".", null, body, app), HtmlResult.InlineStylesOnly);
    }

    /// <summary>Unknown, replaced, deleted or expired: the same friendly page, 404.</summary>
    public static HtmlResult Missing(AppOptions app)
    {
        var body = $"""
                <h1>This invite doesn't work anymore</h1>
                <p class="hint">It may have been replaced by a new one, or the circle may have closed.
                Ask the friend who sent it for a fresh invite.</p>
                {StoreButtons(app)}
            """;
        return new HtmlResult(StatusCodes.Status404NotFound, Document("Invite not found · Circly", "This Circly invite doesn't work anymore.", null, body, app), HtmlResult.InlineStylesOnly);
    }

    public static HtmlResult Error(int status, IReadOnlyDictionary<string, string>? headers, AppOptions app)
    {
        var (heading, text) = status == StatusCodes.Status429TooManyRequests
            ? ("Too many tries", "Please wait a little while, then open the invite again.")
            : ("Something went wrong", "Please try again in a moment.");
        var body = $"""
                <h1>{E(heading)}</h1>
                <p class="hint">{E(text)}</p>
            """;
        return new HtmlResult(status, Document("Circly", text, null, body, app), HtmlResult.InlineStylesOnly, headers);
    }

    private static string StoreButtons(AppOptions app) => $"""
        <div class="stores">
                  <a class="button store" href="{E(app.IosStoreUrl)}">Download on the App Store</a>
                  <a class="button store" href="{E(app.AndroidStoreUrl)}">Get it on Google Play</a>
                </div>
        """;

    /// <summary>The published safety contact: a mail link for an address, a link for a URL.</summary>
    private static string SafetyContact(AppOptions app) =>
        app.SafetyContact.Contains('@', StringComparison.Ordinal) && !app.SafetyContact.Contains("://", StringComparison.Ordinal)
            ? $"""Worried about something? <a href="mailto:{E(app.SafetyContact)}">{E(app.SafetyContact)}</a>"""
            : $"""Worried about something? <a href="{E(app.SafetyContact)}">Contact our safety team</a>""";

    private static string Document(string title, string description, string? url, string body, AppOptions app) => $"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <meta name="color-scheme" content="light dark">
        <meta name="theme-color" content="#6a4cff">
        <title>{E(title)}</title>
        <meta name="description" content="{E(description)}">
        <meta property="og:type" content="website">
        <meta property="og:site_name" content="Circly">
        <meta property="og:title" content="{E(title)}">
        <meta property="og:description" content="{E(description)}">
        {(url is null ? "" : $"<meta property=\"og:url\" content=\"{E(url)}\">")}
        <meta name="twitter:card" content="summary">
        <meta name="twitter:title" content="{E(title)}">
        <meta name="twitter:description" content="{E(description)}">
        <style>{Styles}</style>
        </head>
        <body>
        <main class="card">
        {Logo}
        {body}
        </main>
        <footer>Circly: anonymous compliments between friends, for ages 12–18.<br>{SafetyContact(app)}</footer>
        </body>
        </html>
        """;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Logo = """
        <svg class="logo" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="Circly">
          <circle cx="24" cy="32" r="16" fill="#ffb347" opacity=".9"/>
          <circle cx="40" cy="32" r="16" fill="#6a4cff" opacity=".85"/>
          <circle cx="32" cy="20" r="10" fill="#ff5fa2" opacity=".9"/>
        </svg>
        """;

    private const string Styles = """
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:16px;padding:24px 16px;
          font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d1640;
          background:linear-gradient(160deg,#ffe8f3 0%,#ece6ff 55%,#e2f3ff 100%)}
        .card{width:100%;max-width:420px;background:#fff;border-radius:24px;padding:32px 24px;text-align:center;
          box-shadow:0 12px 40px rgba(58,33,140,.14)}
        .logo{display:block;margin:0 auto 12px}
        .eyebrow{margin:0;font-size:15px;color:#6b6490}
        h1{margin:6px 0 4px;font-size:28px;line-height:1.2;overflow-wrap:anywhere}
        .members{margin:0 0 24px;font-size:16px;color:#6b6490}
        .button{display:flex;align-items:center;justify-content:center;min-height:52px;padding:12px 20px;border-radius:14px;
          font-size:17px;font-weight:600;text-decoration:none}
        .primary{background:#6a4cff;color:#fff}
        .primary:active{background:#5536e6}
        .code{margin:16px 0 0;color:#6b6490;font-size:15px}
        .code strong{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.12em;color:#1d1640;font-size:17px}
        .hint{margin:16px 0 0;font-size:15px;line-height:1.45;color:#4a4370}
        .stores{display:grid;gap:10px;margin-top:20px}
        .store{background:#1d1640;color:#fff;font-size:15px;min-height:46px}
        footer{max-width:420px;text-align:center;font-size:13px;color:#6b6490}
        @media (prefers-color-scheme:dark){
          body{color:#f2efff;background:linear-gradient(160deg,#221a3d 0%,#171233 60%,#0f1c2e 100%)}
          .card{background:#211a3f;box-shadow:none}
          .eyebrow,.members,.code,footer{color:#b9b1e0}
          .hint{color:#d4cdf5}
          .code strong{color:#fff}
          .store{background:#f2efff;color:#1d1640}
        }
        """;
}
