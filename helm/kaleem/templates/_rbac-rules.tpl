{{/*
The operator's grants. They mirror io.kaleem.operator.ApiAccess.GRANTS exactly (RbacTest in helm/
compares them): tenant-namespace rules, cluster-scoped rules, and the Lease in its own namespace.
*/}}
{{- define "kaleem.operator.tenantRules" -}}
- apiGroups: [kaleem.io]
  resources: [kaleemtenants]
  verbs: [get, list, watch, patch, update]
- apiGroups: [kaleem.io]
  resources: [kaleemtenants/status]
  verbs: [get, patch, update]
- apiGroups: [kaleem.io]
  resources: [kaleemtenants/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [list, watch, create, patch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, patch]
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [list, watch, create, patch]
- apiGroups: [apps]
  resources: [controllerrevisions]
  verbs: [get, list, watch, create]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [list, watch, create, patch]
- apiGroups: [monitoring.coreos.com]
  resources: [prometheusrules, podmonitors]
  verbs: [list, watch, create, patch]
{{- end }}

{{- define "kaleem.operator.clusterRules" -}}
- apiGroups: [apiextensions.k8s.io]
  resources: [customresourcedefinitions]
  resourceNames: [prometheusrules.monitoring.coreos.com, podmonitors.monitoring.coreos.com]
  verbs: [get]
- apiGroups: [authorization.k8s.io]
  resources: [selfsubjectrulesreviews]
  verbs: [create]
{{- end }}

{{- define "kaleem.operator.leaseRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end }}
