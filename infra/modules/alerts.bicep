// Operating Circly: the action group, the seed's four alerts (error rate, p95 latency, database
// connections, health check), poison messages and outbox lag, the standard availability test on
// /health and the workbook. Queries live in infra/queries/*.kql (InfraContractTests parse each one
// against the tables and columns the app's telemetry writes); docs/OPERATIONS.md says what each
// alert means and what to check first.

@description('Azure region of the alert rules and the availability test.')
param location string

@description('Tags for the resources.')
param tags object

@description('Short name of the environment, used in resource and alert names.')
param environmentName string

@description('Name of the Application Insights component the app reports to.')
param applicationInsightsName string

@description('Name of the PostgreSQL Flexible Server.')
param postgresServerName string

@description('Public base URL of the API; the availability test calls <url>/health.')
param apiBaseUrl string

@description('Who is told: [{ name: \'oncall\', email: \'oncall@example.com\' }]. Empty: the alerts fire without notifying anyone.')
param emailReceivers array = []

@description('Server errors (5xx) above this percentage of requests over 5 minutes fire an alert.')
param errorRatePercent int = 1

@description('95th percentile request duration above this many milliseconds over 5 minutes fires an alert.')
param latencyP95Ms int = 500

@description('PostgreSQL active connections above this count fire an alert (main.bicep: 80% of max_connections).')
param databaseConnectionsThreshold int

@description('Outbox lag (age of the oldest undispatched event) above this many minutes fires an alert.')
param outboxLagMinutes int = 5

@description('An outbox event dispatched but not consumed for longer than this many minutes (from its creation) fires an alert.')
param outboxUnconsumedMinutes int = 15

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' existing = {
  name: postgresServerName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${environmentName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('circly', 12)
    enabled: true
    emailReceivers: [
      for receiver in emailReceivers: {
        name: receiver.name
        emailAddress: receiver.email
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = {
  actionGroups: [
    actionGroup.id
  ]
}

// The scheduled-query alerts: one query each, evaluated every 5 minutes over the last 5.
var queryAlerts = [
  {
    name: 'error-rate'
    displayName: 'Circly: error rate above ${errorRatePercent}%'
    description: 'More than ${errorRatePercent}% of requests answered 5xx in 5 minutes. docs/OPERATIONS.md#error-rate'
    severity: 1
    query: loadTextContent('../queries/error-rate.kql')
    metricMeasureColumn: 'errorRatePercent'
    threshold: errorRatePercent
    dimensions: []
  }
  {
    name: 'latency-p95'
    displayName: 'Circly: p95 latency above ${latencyP95Ms} ms'
    description: 'The 95th percentile of request duration exceeded ${latencyP95Ms} ms over 5 minutes. docs/OPERATIONS.md#latency'
    severity: 2
    query: loadTextContent('../queries/latency-p95.kql')
    metricMeasureColumn: 'p95Ms'
    threshold: latencyP95Ms
    dimensions: []
  }
  {
    name: 'poison-messages'
    displayName: 'Circly: poison messages'
    description: 'A poison queue holds messages: work failed five times and stopped. docs/OPERATIONS.md#poison-messages'
    severity: 1
    query: loadTextContent('../queries/poison-messages.kql')
    metricMeasureColumn: 'poisonMessages'
    threshold: 0
    dimensions: [
      {
        name: 'queue'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
  }
  {
    name: 'outbox-lag'
    displayName: 'Circly: outbox lag above ${outboxLagMinutes} min'
    description: 'The oldest outbox event has waited more than ${outboxLagMinutes} minutes for its queue. docs/OPERATIONS.md#outbox-lag'
    severity: 2
    query: loadTextContent('../queries/outbox-lag.kql')
    metricMeasureColumn: 'lagSeconds'
    threshold: outboxLagMinutes * 60
    dimensions: []
  }
  {
    name: 'outbox-unconsumed'
    displayName: 'Circly: outbox event unconsumed for ${outboxUnconsumedMinutes} min'
    description: 'An outbox event was dispatched but its consumer has not finished it after ${outboxUnconsumedMinutes} minutes. docs/OPERATIONS.md#undelivered-outbox-events'
    severity: 2
    query: loadTextContent('../queries/outbox-unconsumed.kql')
    metricMeasureColumn: 'ageSeconds'
    threshold: outboxUnconsumedMinutes * 60
    dimensions: []
  }
]

resource scheduledQueryAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in queryAlerts: {
    name: 'alert-${environmentName}-${alert.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: alert.displayName
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        applicationInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT5M'
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: alert.metricMeasureColumn
            dimensions: alert.dimensions
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: actions
    }
  }
]

// Database connections: the server's own metric against 80% of its max_connections.
resource databaseConnectionsAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${environmentName}-database-connections'
  location: 'global'
  tags: tags
  properties: {
    description: 'PostgreSQL active connections above ${databaseConnectionsThreshold}. docs/OPERATIONS.md#database-connections'
    severity: 1
    enabled: true
    scopes: [
      postgres.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'active-connections'
          metricNamespace: 'Microsoft.DBforPostgreSQL/flexibleServers'
          metricName: 'active_connections'
          operator: 'GreaterThan'
          threshold: databaseConnectionsThreshold
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// Health check: a standard availability test on /health from five regions every five minutes.
var availabilityTestName = 'avail-${environmentName}-health'

resource availabilityTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: availabilityTestName
  location: location
  // The link that makes the test part of the Application Insights component.
  tags: union(tags, {
    'hidden-link:${applicationInsights.id}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: availabilityTestName
    Name: 'Circly /health'
    Description: 'GET /health answers 200 (liveness; no dependency is touched).'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      {
        Id: 'us-va-ash-azr'
      }
      {
        Id: 'us-ca-sjc-azr'
      }
      {
        Id: 'emea-nl-ams-azr'
      }
      {
        Id: 'emea-gb-db3-azr'
      }
      {
        Id: 'apac-sg-sin-azr'
      }
    ]
    Request: {
      RequestUrl: '${apiBaseUrl}/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthCheckAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${environmentName}-health-check'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /health failed from 2 or more of 5 locations. docs/OPERATIONS.md#health-check'
    severity: 0
    enabled: true
    scopes: [
      availabilityTest.id
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: availabilityTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// The workbook: every metric per function and over time, one query per chart.
var workbookCharts = [
  {
    title: 'API latency p50 / p95 / p99 (ms) per function'
    query: loadTextContent('../queries/workbook-requests.kql')
  }
  {
    title: 'Error rate (5xx, %) per function'
    query: loadTextContent('../queries/workbook-errors.kql')
  }
  {
    title: 'Pushes per minute: sent, failed, retried, DeviceNotRegistered'
    query: loadTextContent('../queries/workbook-pushes.kql')
  }
  {
    title: 'Push receipts: ok and failed'
    query: loadTextContent('../queries/workbook-receipts.kql')
  }
  {
    title: 'Queue depth and poison messages per queue'
    query: loadTextContent('../queries/workbook-backlog.kql')
  }
  {
    title: 'Outbox lag and oldest unconsumed event (s)'
    query: loadTextContent('../queries/workbook-outbox-lag.kql')
  }
  {
    title: 'Votes and polls per minute'
    query: loadTextContent('../queries/workbook-activity.kql')
  }
  {
    title: 'Npgsql connection pool per instance'
    query: loadTextContent('../queries/workbook-pool.kql')
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        name: 'intro'
        content: {
          json: '## Circly\nRequests, pushes, queues, outbox and the database pool. What each alert means: docs/OPERATIONS.md.'
        }
      }
    ],
    map(workbookCharts, chart => {
      type: 3
      name: chart.title
      content: {
        version: 'KqlItem/1.0'
        title: chart.title
        query: chart.query
        size: 0
        timeContext: {
          durationMs: 86400000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'timechart'
      }
    })
  )
  fallbackResourceIds: [
    applicationInsights.id
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'circly-workbook', environmentName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Circly operations (${environmentName})'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(workbookContent)
  }
}

output actionGroupId string = actionGroup.id
output availabilityTestName string = availabilityTest.name
output workbookId string = workbook.id
