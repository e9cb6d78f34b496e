// PostgreSQL's logs (server log, sessions, Query Store) and metrics to Log Analytics, for the
// runbook's "what was the database doing" (docs/OPERATIONS.md).

@description('Name of the PostgreSQL Flexible Server.')
param postgresServerName string

@description('Resource id of the Log Analytics workspace.')
param logAnalyticsWorkspaceId string

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' existing = {
  name: postgresServerName
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: postgres
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}
