using Circly.Core.Templates;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Templates;

public sealed class TemplateFunctions(HttpApi api, TemplateService templates)
{
    /// <summary>Active templates, optionally of one category; limit (1–100, default 50) and offset.</summary>
    [Function(nameof(ListTemplates))]
    public Task<IResult> ListTemplates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/templates")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (_, cancellationToken) =>
        {
            var (limit, offset) = Query.Page(request, defaultLimit: 50, maxLimit: 100);
            var page = await templates.ListAsync(Query.Text(request, "category")?.ToLowerInvariant(), limit, offset, cancellationToken);
            return ApiResponse.Ok(page.Items, new Pagination(page.Total, limit, offset, offset + page.Items.Count < page.Total));
        });

    /// <summary>The most used active templates; limit 1–50, default 10.</summary>
    [Function(nameof(PopularTemplates))]
    public Task<IResult> PopularTemplates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/templates/popular")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (_, cancellationToken) =>
        {
            var (limit, _) = Query.Page(request, defaultLimit: 10, maxLimit: 50);
            return ApiResponse.Ok(await templates.PopularAsync(limit, cancellationToken));
        });
}
