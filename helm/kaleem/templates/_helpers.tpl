{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "kaleem.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name of the chart's own objects. */}}
{{- define "kaleem.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kaleem.operator.fullname" -}}
{{- printf "%s-operator" (include "kaleem.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kaleem.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object of the release. */}}
{{- define "kaleem.labels" -}}
helm.sh/chart: {{ include "kaleem.chart" . }}
app.kubernetes.io/part-of: kaleem
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The operator's pod selector: stable for the life of the release (selectors are immutable). */}}
{{- define "kaleem.operator.selectorLabels" -}}
app.kubernetes.io/name: kaleem-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* kaleem.labels already carries app.kubernetes.io/instance, the other selector label. */}}
{{- define "kaleem.operator.labels" -}}
{{ include "kaleem.labels" . }}
app.kubernetes.io/name: kaleem-operator
app.kubernetes.io/component: operator
{{- end }}

{{- define "kaleem.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "kaleem.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- required "operator.serviceAccount.name is required when operator.serviceAccount.create is false" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository[:tag][@digest]; the tag defaults to the chart's appVersion. */}}
{{- define "kaleem.image" -}}
{{- $tag := default .context.Chart.AppVersion .image.tag -}}
{{- if .image.digest -}}
{{- printf "%s:%s@%s" .image.repository $tag .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end }}

{{/* Namespaces the operator watches; empty means every namespace (ClusterRole mode). */}}
{{- define "kaleem.watchNamespaces" -}}
{{- join "," .Values.operator.watchNamespaces }}
{{- end }}

{{/*
The restricted pod-security container context every container of the chart runs with: non-root,
read-only root filesystem, no privilege escalation, no capabilities.
*/}}
{{- define "kaleem.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Name of the dev backing services' credentials Secret. */}}
{{- define "kaleem.dev.secretName" -}}
{{- printf "%s-dev-credentials" (include "kaleem.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kaleem.dev.name" -}}
{{- printf "%s-dev-%s" (include "kaleem.fullname" .context) .service | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The tenant's labels on the objects the chart renders for it; the API pods the operator creates
carry kaleem.io/tenant (io.kaleem.operator.Labels), which the tenant NetworkPolicy selects.
*/}}
{{- define "kaleem.tenant.labels" -}}
{{ include "kaleem.labels" .context }}
app.kubernetes.io/component: tenant
kaleem.io/tenant: {{ .tenant.name }}
{{- end }}
