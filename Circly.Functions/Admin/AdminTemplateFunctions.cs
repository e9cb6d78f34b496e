using Circly.Core.Admin;
using Circly.Core.Errors;
using Circly.Core.Templates;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Admin;

/// <summary>/v1/admin/templates: admins only. New and edited text passes the word filter.</summary>
public sealed class AdminTemplateFunctions(HttpApi api, AdminService admin, TemplateService templates)
{
    /// <summary>Every template, deactivated ones too: active first. ?limit, ?offset.</summary>
    [Function(nameof(AdminListTemplates))]
    public Task<IResult> AdminListTemplates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/templates")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Admin, async (_, cancellationToken) =>
        {
            var paging = Paging.From(request);
            var (items, total) = await templates.ListAllAsync(paging.Limit, paging.Offset, cancellationToken);
            return ApiResponse.Ok(items, paging.For(total));
        });

    [Function(nameof(AdminTemplateCategories))]
    public Task<IResult> AdminTemplateCategories(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/templates/categories")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Admin, (_, _) => Task.FromResult(ApiResponse.Ok(TemplateService.Categories.Order().ToList())));

    /// <summary>{category, questionText, emoji}.</summary>
    [Function(nameof(AdminCreateTemplate))]
    public Task<IResult> AdminCreateTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/templates")] HttpRequest request) =>
        api.RunAdminAsync(request, AdminRoles.Admin, async (user, cancellationToken) =>
        {
            var body = await RequestBody.ReadAsync<TemplateRequest>(request, cancellationToken);
            return ApiResponse.Created(await admin.CreateTemplateAsync(user, body, cancellationToken));
        });

    /// <summary>Any of {category, questionText, emoji}.</summary>
    [Function(nameof(AdminUpdateTemplate))]
    public Task<IResult> AdminUpdateTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/templates/{id}")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Admin, async (user, cancellationToken) =>
        {
            var templateId = TemplateId(id);
            var body = await RequestBody.ReadAsync<TemplateRequest>(request, cancellationToken);
            return ApiResponse.Ok(await admin.UpdateTemplateAsync(user, templateId, body, cancellationToken));
        });

    [Function(nameof(AdminDeactivateTemplate))]
    public Task<IResult> AdminDeactivateTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/templates/{id}/deactivate")] HttpRequest request, string id) =>
        api.RunAdminAsync(request, AdminRoles.Admin, async (user, cancellationToken) =>
            ApiResponse.Ok(await admin.DeactivateTemplateAsync(user, TemplateId(id), cancellationToken)));

    private static Guid TemplateId(string id) => Query.RouteId(id, ErrorCodes.TemplateNotFound, "No question template has this id.");
}
