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
            var paging = Paging.From(request, defaultLimit: 50, maxLimit: 100);
            var page = await templates.ListAsync(Query.Text(request, "category")?.ToLowerInvariant(), paging.Limit, paging.Offset, cancellationToken);
            return ApiResponse.Ok(page.Items, paging.For(page.Total));
        });

    /// <summary>The most used active templates; limit 1–50, default 10.</summary>
    [Function(nameof(PopularTemplates))]
    public Task<IResult> PopularTemplates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/templates/popular")] HttpRequest request) =>
        api.RunAuthenticatedAsync(request, async (_, cancellationToken) =>
        {
            var paging = Paging.From(request, defaultLimit: 10, maxLimit: 50);
            return ApiResponse.Ok(await templates.PopularAsync(paging.Limit, cancellationToken));
        });
}
