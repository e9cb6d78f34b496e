// Circly's database command for deployments: the one place, besides local runs and tests, where
// the schema changes. In Azure it runs from the deployment (azd hooks, infra/hooks/database.sh)
// with the deployer's Entra ID sign-in, never from the Function App, whose login has no DDL rights.
//
//   dotnet run --project Circly.Migrate -- migrate
//   dotnet run --project Circly.Migrate -- setup [APP_PRINCIPAL]
//
// Settings come from the environment, as the app's do: Database__MigrationConnectionString,
// Database__Authentication (Password | EntraId), Database__EntraClientId, Database__MigrationLockTimeout.
// See docs/DEPLOY.md, "Database roles and migrations".
using Circly.Migrate;
using Microsoft.Extensions.Configuration;

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
return await MigrateCommand.RunAsync(args, configuration, Console.Out, Console.Error);
