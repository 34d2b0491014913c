/**
 * The Pulumi SDK's mock runtime, recording every resource the program registers (type, name, inputs, parent
 * chain). Shared by the offline planner and the tests, so both see exactly what `pulumi up` would declare.
 *
 * Remote components (eks.Cluster, eks.ManagedNodeGroup, awsx.ec2.Vpc) are ONE resource under mocks: the outputs
 * the program reads from them must be returned here, or they stay unknown (docs/field-notes.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { CNI_RULE } from "../migration/nodeRule";

export interface RecordedResource {
    type: string;
    name: string;
    /** Inputs as registered; secrets shown as "[secret]", resource references as "[resource type::name]". */
    inputs: Record<string, unknown>;
    custom: boolean;
    /** Types of the parents, outermost first (from the URN). */
    parentTypes: string[];
    /** What it waits for, as `type::name`: its dependsOn (components expanded to their children) and its inputs' sources. */
    dependencies: string[];
    /** Pulumi leaves it in the cluster when it is removed from the program. */
    retainOnDelete: boolean;
    /** Pulumi refuses to delete it (`protect`, inherited from its parent). */
    protect: boolean;
    /** The `import` option: the ID of an existing resource this one adopts. */
    importId?: string;
    /** The `ignoreChanges` option: input paths an update leaves as they are. */
    ignoreChanges: string[];
}

export const FAKE_ENDPOINT = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com";
const FAKE_ACCOUNT = "123456789012";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export function fakeKubeconfig(clusterName: string): string {
    return JSON.stringify({
        apiVersion: "v1", kind: "Config", "current-context": "aws",
        clusters: [{ name: "kubernetes", cluster: { server: FAKE_ENDPOINT, "certificate-authority-data": "TU9DSy1DQQ==" } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName] } } }],
    });
}

/** Outputs that providers compute (ids, ARNs) and remote components expose. */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>, appliedPhase: unknown, ownOutputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "eks:index:Cluster": {
            const clusterName = (inputs.name as string | undefined) ?? name;
            const oidcUrl = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
            return {
                kubeconfigJson: fakeKubeconfig(clusterName),
                eksCluster: { name: clusterName, endpoint: FAKE_ENDPOINT, arn: `arn:aws:eks:eu-west-1:${FAKE_ACCOUNT}:cluster/${clusterName}` },
                core: { endpoint: FAKE_ENDPOINT },
                oidcProviderArn: `arn:aws:iam::${FAKE_ACCOUNT}:oidc-provider/${oidcUrl}`,
                oidcProviderUrl: oidcUrl,
                clusterSecurityGroupId: "sg-0123456789abcdef0",
                nodeSecurityGroupId: "sg-0fedcba9876543210",
            };
        }
        case "awsx:ec2:Vpc":
            return {
                vpcId: "vpc-0123456789abcdef0",
                privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"],
                publicSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0bbbbbbbbbbbbbbb3"],
            };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}` };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${name}`, name };
        case "eks:index:ManagedNodeGroup":
            return { nodeGroup: { nodeGroupName: inputs.nodeGroupName ?? name } };
        case "pulumi:pulumi:StackReference":
            // A stack applied by this version (its rule recorded) unless the test says otherwise (`cniRule: null`).
            return { outputs: appliedPhase === undefined ? {} : { cniRule: CNI_RULE, ...ownOutputs, appliedPhase }, secretOutputNames: [] };
        default:
            return {};
    }
}

/** Makes registered inputs printable: no secret value, no live object. */
export function printable(value: unknown): unknown {
    if (pulumi.Resource.isInstance(value)) {
        const r = value as unknown as { __pulumiType?: string; __name?: string };
        return `[resource ${r.__pulumiType ?? "?"}::${r.__name ?? "?"}]`;
    }
    if (Array.isArray(value)) return value.map(printable);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) return "[secret]";
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, printable(v)]));
    }
    return value;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];

    /**
     * @param appliedPhase what this stack's own outputs report as `appliedPhase` (undefined: first deployment)
     * @param invoke answers the program's provider calls (data sources), e.g. from a cluster snapshot; none by default
     * @param ownOutputs this stack's other outputs of its last update (e.g. what it recorded of an existing cluster)
     */
    constructor(private readonly appliedPhase?: unknown, private readonly invoke?: (token: string, inputs: Record<string, unknown>) => unknown,
        private readonly ownOutputs: Record<string, unknown> = {}) {}

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        this.resources.push({
            type: args.type, name: args.name, inputs: printable(args.inputs) as Record<string, unknown>, custom: args.custom ?? false,
            parentTypes: [], dependencies: [], retainOnDelete: false, protect: false, ignoreChanges: [], ...(args.id ? { importId: args.id } : {}),
        });
        return {
            id: args.custom === false ? undefined : args.id || `${args.name}-id`,
            state: { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs, this.appliedPhase, this.ownOutputs) },
        };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        // Without an answer for it, a provider call is a data source the planner cannot see.
        if (!this.invoke) throw new Error(`unmocked provider call ${args.token} (${JSON.stringify(args.inputs)})`);
        return this.invoke(args.token, args.inputs) as pulumi.runtime.MockCallResult;
    }
}

interface RegisterRequest {
    getType(): string; getName(): string; getDependenciesList(): string[];
    getRetainondelete?(): boolean; getProtect?(): boolean; getIgnorechangesList?(): string[];
}

/** What the registration request says beyond the inputs. */
export interface RegistrationOptions { dependencies: string[]; retainOnDelete: boolean; protect: boolean; ignoreChanges: string[] }
interface MockMonitorShape {
    getRegisteredResources?(): Map<string, unknown>;
    registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
}

const monitor = () => (pulumi.runtime as unknown as { getMonitor(): MockMonitorShape }).getMonitor();

/** `urn:pulumi:stack::project::parent$type::name` → `type::name`. */
export function urnKey(urn: string): string {
    const [typeChain, name] = urn.split("::").slice(2);
    return `${typeChain.split("$").pop()}::${name}`;
}

/**
 * The mock monitor does not hand dependencies to `newResource`; the registration request carries them. Call right
 * after `setMocks`.
 */
export function recordDependencies(): Map<string, RegistrationOptions> {
    const options = new Map<string, RegistrationOptions>();
    const m = monitor();
    const register = m.registerResource.bind(m);
    m.registerResource = (req, callback) => {
        options.set(`${req.getType()}::${req.getName()}`, {
            dependencies: req.getDependenciesList(), retainOnDelete: req.getRetainondelete?.() ?? false, protect: req.getProtect?.() ?? false,
            ignoreChanges: req.getIgnorechangesList?.() ?? [],
        });
        return register(req, callback);
    };
    return options;
}

/** Fills in each recorded resource's parent chain and dependencies from what the mock monitor saw. */
export function attachParents(resources: RecordedResource[], options: Map<string, RegistrationOptions> = new Map()): void {
    const urns = [...(monitor().getRegisteredResources?.().keys() ?? [])];
    for (const urn of urns) {
        const [typeChain, name] = urn.split("::").slice(2);
        const types = typeChain.split("$");
        const leaf = types.pop() as string;
        const match = resources.find((r) => r.type === leaf && r.name === name && r.parentTypes.length === 0);
        if (match) match.parentTypes = types;
    }
    for (const r of resources) {
        const o = options.get(`${r.type}::${r.name}`);
        r.dependencies = [...new Set((o?.dependencies ?? []).map(urnKey))].sort();
        r.retainOnDelete = o?.retainOnDelete ?? false;
        r.protect = o?.protect ?? false;
        r.ignoreChanges = o?.ignoreChanges ?? [];
    }
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

/** Waits until every pending registration has reached the mocks. */
export async function settled(): Promise<void> {
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (waitForRPCs) await waitForRPCs();
    // Registrations queued from apply callbacks land a tick later.
    await new Promise((resolve) => setImmediate(resolve));
    if (waitForRPCs) await waitForRPCs();
}
