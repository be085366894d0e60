{{/*
One single-replica StatefulSet and its headless Service for a throw-away backing service.
Arguments: context (root), service (mongodb|redis|rabbitmq), values (dev.<service>), port,
dataPath, env (list), args (list), probe (exec command list).
*/}}
{{- define "kaleem.dev.statefulset" -}}
{{- $name := include "kaleem.dev.name" (dict "context" .context "service" .service) -}}
{{- $v := .values -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "kaleem.labels" .context | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/component: dev-backing-services
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/instance: {{ .context.Release.Name }}
  ports:
    - name: {{ .service }}
      port: {{ .port }}
      targetPort: {{ .port }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "kaleem.labels" .context | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/component: dev-backing-services
spec:
  serviceName: {{ $name }}
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $name }}
      app.kubernetes.io/instance: {{ .context.Release.Name }}
  template:
    metadata:
      labels:
        {{- include "kaleem.labels" .context | nindent 8 }}
        app.kubernetes.io/name: {{ $name }}
        app.kubernetes.io/component: dev-backing-services
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
        fsGroup: 999
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .service }}
          image: {{ $v.image | quote }}
          imagePullPolicy: IfNotPresent
          {{- with .args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: {{ .service }}
              containerPort: {{ .port }}
          startupProbe:
            exec:
              command: {{ toJson .probe }}
            periodSeconds: 5
            failureThreshold: 60
          readinessProbe:
            exec:
              command: {{ toJson .probe }}
            periodSeconds: 10
            timeoutSeconds: 5
          livenessProbe:
            tcpSocket:
              port: {{ .port }}
            periodSeconds: 20
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "kaleem.containerSecurityContext" .context | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: {{ .dataPath }}
            - name: tmp
              mountPath: /tmp
            {{- range .extraWritable }}
            - name: {{ .name }}
              mountPath: {{ .path }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- range .extraWritable }}
        - name: {{ .name }}
          emptyDir: {}
        {{- end }}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          app.kubernetes.io/name: {{ $name }}
          app.kubernetes.io/instance: {{ .context.Release.Name }}
      spec:
        accessModes: [ReadWriteOnce]
        {{- with $v.storageClassName }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $v.storage }}
{{- end }}
