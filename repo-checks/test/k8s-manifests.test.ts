// Checks deploy/k8s, the kustomize base, without a cluster: built with `kubectl kustomize` where
// kubectl is installed, else by reading the base's `resources` with the yaml package (the base uses
// nothing else, so both give the same objects, which is checked too where both can run). Every
// object is validated offline against the Kubernetes schemas of kubernetes-models 4.x (the last
// line for Node 20), and, since those schemas allow any unknown field (as the API's OpenAPI does),
// also type-checked against the models' declared types, where a misspelt field is an error. Then
// this project's rules: probes, resources, graceful shutdown, Secrets, migration Jobs, autoscaling,
// disruption budgets and network policies.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from 'service-platform';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { accountConfigSchema } from '../../account-service/src/config/account-config';
import { catalogConfigSchema } from '../../catalog-service/src/config/catalog-config';
import { orderConfigSchema } from '../../order-service/src/config/order-config';

const ROOT = path.resolve(__dirname, '../..');
const BASE = path.join(ROOT, 'deploy/k8s');
const APP_SERVICES = { catalog: 3001, account: 3002, order: 3000 } as const;
type AppService = keyof typeof APP_SERVICES;
const APP_NAMES = Object.keys(APP_SERVICES) as AppService[];
const CONFIG_SCHEMAS = { catalog: catalogConfigSchema, account: accountConfigSchema, order: orderConfigSchema } as const;
const CUSTOMER_AUTH: AppService[] = ['account', 'order']; // the services that verify customer tokens
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000; // service-platform's config default

type Obj = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } };

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const docsOf = (text: string, where: string): Obj[] => parseAllDocuments(text).map((d) => {
  if (d.errors.length) throw new Error(`${where}: ${d.errors.map((e) => e.message).join('; ')}`);
  return d.toJS() as Obj;
}).filter((o) => o !== null);

function buildWithKubectl(): Obj[] {
  return docsOf(execFileSync('kubectl', ['kustomize', BASE], { encoding: 'utf8' }), 'kubectl kustomize');
}

/** What kustomize builds from a base that only lists `resources` (checked below): those files' objects. */
function buildFromResources(): Obj[] {
  const kustomization = parse(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.flatMap((file) => docsOf(readFileSync(path.join(BASE, file), 'utf8'), file));
}

const idOf = (o: Obj) => `${o.kind}/${o.metadata.name}`;
const byId = (objs: Obj[]) => [...objs].sort((a, b) => idOf(a).localeCompare(idOf(b)));

/** `apps/v1` + `Deployment` → kubernetes-models/apps/v1/Deployment, which exports the class `Deployment` and the interface `IDeployment`. */
const modelPath = (o: Obj) => `kubernetes-models/${o.apiVersion}/${o.kind}`;

function schemaErrors(o: Obj): string[] {
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is chosen by each object's apiVersion and kind
    Model = (require(modelPath(o)) as Record<string, typeof Model>)[o.kind];
  } catch {
    return [`${idOf(o)}: no Kubernetes schema for ${o.apiVersion} ${o.kind}`];
  }
  try {
    new Model!(o).validate();
    return [];
  } catch (err) {
    return [`${idOf(o)}: ${(err as Error).message}`];
  }
}

/**
 * Each object as a TypeScript object literal typed with its model's interface: TypeScript's excess
 * property check rejects a field the Kubernetes API does not have, at any depth.
 */
function typeErrors(objs: Obj[]): string[] {
  const file = path.join(ROOT, 'repo-checks/test/k8s-objects.generated.ts');
  const source = objs.map((o, i) => `import type { I${o.kind} as T${i} } from '${modelPath(o)}';\nexport const o${i}: T${i} = ${JSON.stringify(o)};`).join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, lang) : read(name, lang, ...rest));
  host.fileExists = ((exists) => (name: string) => path.resolve(name) === file || exists(name))(host.fileExists.bind(host));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const index = line >= 0 ? Math.floor(line / 2) : -1;
    return `${objs[index] ? idOf(objs[index]) : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe('deploy/k8s (kustomize base)', () => {
  const objects = kubectl ? buildWithKubectl() : buildFromResources();
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployment = (name: AppService) => find('Deployment', name)!;
  const podLabels = (o: Obj) => o.spec.template.metadata.labels as Record<string, string>;
  const containerOf = (o: Obj) => o.spec.template.spec.containers[0];
  const envOf = (container: any) => Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e]));

  test('uses plain `resources` only, so that older kustomize versions build it', () => {
    const kustomization = parse(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(kustomization).sort()).toEqual(['apiVersion', 'kind', 'resources']);
  });

  (kubectl ? test : test.skip)('kubectl kustomize builds exactly the objects of the listed resources', () => {
    expect(byId(buildWithKubectl())).toEqual(byId(buildFromResources()));
  });

  test('every object is valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  test('no object has a field the Kubernetes API does not know', () => {
    expect(typeErrors(objects)).toEqual([]);
  }, 60_000);

  test('the checks are not vacuous: they reject what the API server rejects', () => {
    const broken = (mutate: (o: Obj) => void) => {
      const copy = structuredClone(deployment('order'));
      mutate(copy);
      return copy;
    };
    expect(schemaErrors(broken((d) => (d.spec.revisionHistoryLimit = 'five')))).not.toEqual([]);
    expect(schemaErrors(broken((d) => delete d.spec.template.spec.containers[0].name))).not.toEqual([]);
    expect(schemaErrors({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).not.toEqual([]);
    const misspelt = broken((d) => (containerOf(d).readinesProbe = containerOf(d).readinessProbe));
    expect(schemaErrors(misspelt)).toEqual([]); // the schemas let unknown fields through...
    expect(typeErrors([misspelt])).toEqual([expect.stringContaining('readinesProbe')]); // ...the declared types do not
  }, 60_000);

  test('PostgreSQL is external: the base runs no database', () => {
    expect(all('StatefulSet')).toEqual([]);
    const images = objects.flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((c: any) => String(c.image)));
    expect(images.filter((i) => /postgres/i.test(i))).toEqual([]);
  });

  describe.each(APP_NAMES)('%s', (name) => {
    const port = APP_SERVICES[name];

    test('has a Deployment and a Service that selects its pods and reaches its port', () => {
      const d = deployment(name);
      const service = find('Service', name);
      expect(d).toBeDefined();
      expect(service).toBeDefined();
      expect(selects(d.spec.selector.matchLabels, podLabels(d))).toBe(true);
      expect(selects(service!.spec.selector, podLabels(d))).toBe(true);
      const containerPort = containerOf(d).ports.find((p: any) => p.containerPort === port);
      expect(containerPort).toBeDefined();
      expect(service!.spec.ports).toHaveLength(1);
      expect(service!.spec.ports[0].port).toBe(port);
      expect([port, containerPort.name]).toContain(service!.spec.ports[0].targetPort);
    });

    test('is ready on /readyz, alive on /livez, with resource requests and limits', () => {
      const c = containerOf(deployment(name));
      const portNames = [port, ...c.ports.filter((p: any) => p.containerPort === port).map((p: any) => p.name)];
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path).toBe('/livez');
      expect(portNames).toContain(c.readinessProbe.httpGet.port);
      expect(portNames).toContain(c.livenessProbe.httpGet.port);
      for (const kind of ['requests', 'limits']) {
        expect({ kind, cpu: c.resources?.[kind]?.cpu !== undefined, memory: c.resources?.[kind]?.memory !== undefined }).toEqual({ kind, cpu: true, memory: true });
      }
    });

    test('has longer to stop than its graceful shutdown takes', () => {
      const d = deployment(name);
      const c = containerOf(d);
      const shutdownMs = Number(envOf(c).SHUTDOWN_TIMEOUT_MS?.value ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
      const preStop = c.lifecycle?.preStop?.exec?.command ?? [];
      const preStopMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      expect(d.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopMs + shutdownMs);
    });

    test('runs in production without migrating, with its tokens and DATABASE_URL from Secrets and the AUTH_* settings from a ConfigMap', () => {
      const c = containerOf(deployment(name));
      const env = envOf(c);
      expect(env.NODE_ENV?.value).toBe('production');
      expect(env.MIGRATE_ON_START?.value).toBe('false');
      for (const key of ['DATABASE_URL', 'ADMIN_TOKEN', 'SERVICE_TOKEN']) {
        const ref = env[key]?.valueFrom?.secretKeyRef;
        expect({ key, literal: env[key]?.value, ref: ref ? 'secret' : 'missing' }).toEqual({ key, literal: undefined, ref: 'secret' });
        expect(find('Secret', ref.name)?.stringData?.[ref.key] ?? find('Secret', ref.name)?.data?.[ref.key]).toBeDefined();
      }
      const configMaps = (c.envFrom ?? []).map((e: any) => e.configMapRef?.name).filter(Boolean).map((n: string) => find('ConfigMap', n));
      const auth = Object.assign({}, ...configMaps.map((m: Obj | undefined) => m?.data ?? {}));
      for (const key of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) {
        expect({ key, literal: env[key] }).toEqual({ key, literal: undefined });
        if (CUSTOMER_AUTH.includes(name)) expect({ key, fromConfigMap: auth[key] !== undefined }).toEqual({ key, fromConfigMap: true });
      }
      if (name === 'order') {
        expect(env.CATALOG_URL?.value).toBe(`http://catalog:${APP_SERVICES.catalog}`);
        expect(env.ACCOUNT_URL?.value).toBe(`http://account:${APP_SERVICES.account}`);
      }
    });

    test('refuses to start with the committed placeholder Secrets', () => {
      const c = containerOf(deployment(name));
      const env: Record<string, string> = {};
      for (const e of c.env) {
        const ref = e.valueFrom?.secretKeyRef;
        env[e.name] = ref ? find('Secret', ref.name)!.stringData[ref.key] : e.value;
      }
      for (const e of c.envFrom ?? []) Object.assign(env, find('ConfigMap', e.configMapRef.name)!.data);
      expect(() => loadConfig(CONFIG_SCHEMAS[name] as never, env, { customerAuth: CUSTOMER_AUTH.includes(name) })).toThrow(/ADMIN_TOKEN: must be at least 16/);
      expect(new URL(env.DATABASE_URL!).hostname).toMatch(/\.invalid$/); // never resolves (RFC 2606)
    });

    test('has a migration Job that runs the same image\'s entry point with `migrate`', () => {
      const d = deployment(name);
      const jobs = all('Job').filter((j) => containerOf(j).image === containerOf(d).image);
      expect(jobs).toHaveLength(1);
      const job = jobs[0]!;
      const c = containerOf(job);
      expect(c.command).toBeUndefined(); // the image's ENTRYPOINT, whatever it becomes
      expect(c.args).toEqual(['migrate']);
      expect(['Never', 'OnFailure']).toContain(job.spec.template.spec.restartPolicy);
      expect(job.spec.backoffLimit).toBeGreaterThan(0);
      expect(envOf(c).DATABASE_URL.valueFrom.secretKeyRef).toEqual(envOf(containerOf(d)).DATABASE_URL.valueFrom.secretKeyRef);
      // The Job's pods are not the service's: no Service, budget or policy treats them as such.
      expect(selects(find('Service', name)!.spec.selector, podLabels(job))).toBe(false);
      // `args` reach the service only through an ENTRYPOINT (with a CMD alone they would replace it).
      const dockerfile = readFileSync(path.join(ROOT, `${name}-service/Dockerfile`), 'utf8');
      const finalStage = dockerfile.split(/^FROM /m).at(-1)!;
      expect(finalStage).toMatch(/^ENTRYPOINT \[.*"dist\/main\.js"\]$/m);
      expect(finalStage).not.toMatch(/^CMD /m);
    });

    test('has a PodDisruptionBudget over its pods that lets a drain proceed', () => {
      const d = deployment(name);
      const budgets = all('PodDisruptionBudget').filter((p) => selects(p.spec.selector.matchLabels, podLabels(d)));
      expect(budgets).toHaveLength(1);
      const { minAvailable, maxUnavailable } = budgets[0]!.spec;
      // A budget of minAvailable = replicas would block every voluntary eviction.
      expect(maxUnavailable ?? (minAvailable !== undefined ? 'minAvailable' : undefined)).toBeGreaterThanOrEqual(1);
    });
  });

  test('Order scales with a HorizontalPodAutoscaler, from at least 2 replicas, which owns the count', () => {
    const hpas = all('HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === 'order');
    expect(hpas).toHaveLength(1);
    expect(hpas[0]!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpas[0]!.spec.maxReplicas).toBeGreaterThan(hpas[0]!.spec.minReplicas);
    expect(deployment('order').spec.replicas).toBeUndefined();
    expect(containerOf(deployment('order')).resources.requests.cpu).toBeDefined(); // utilization is of the request
  });

  test.each(['catalog', 'account'] as const)('only Order\'s pods reach %s\'s service port', (name) => {
    const target = podLabels(deployment(name));
    const policies = all('NetworkPolicy').filter((p) => selects(p.spec.podSelector.matchLabels, target) && p.spec.policyTypes?.includes('Ingress'));
    expect(policies.length).toBeGreaterThan(0);
    const rules = policies.flatMap((p) => p.spec.ingress ?? []);
    expect(rules.length).toBeGreaterThan(0);
    const order = podLabels(deployment('order'));
    const others = APP_NAMES.filter((n) => n !== 'order').map((n) => podLabels(deployment(n)));
    const migrations = all('Job').map(podLabels);
    for (const rule of rules) {
      // An empty or missing `from` admits every source; a namespace or IP block admits more than Order.
      expect(rule.from?.length).toBeGreaterThan(0);
      for (const peer of rule.from) {
        expect({ namespaceSelector: peer.namespaceSelector, ipBlock: peer.ipBlock }).toEqual({ namespaceSelector: undefined, ipBlock: undefined });
        expect(selects(peer.podSelector?.matchLabels, order)).toBe(true);
        for (const other of [...others, ...migrations]) expect(selects(peer.podSelector.matchLabels, other)).toBe(false);
      }
      expect(rule.ports).toEqual([expect.objectContaining({ port: APP_SERVICES[name] })]);
    }
  });

  test('kubectl is optional: without it the same objects are read from the resources', () => {
    expect(existsSync(path.join(BASE, 'kustomization.yaml'))).toBe(true);
    if (!kubectl) expect(objects).toEqual(buildFromResources());
  });
});
