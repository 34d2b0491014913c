// Calico objects as `kubectl get <kind>.projectcalico.org -o json` prints them (the v3 API's own shapes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export const CALICO_V3 = "projectcalico.org/v3";
export const gnp = (name: string, spec: Obj): Obj => ({ apiVersion: CALICO_V3, kind: "GlobalNetworkPolicy", metadata: { name }, spec });
export const np = (namespace: string, name: string, spec: Obj): Obj => ({ apiVersion: CALICO_V3, kind: "NetworkPolicy", metadata: { name, namespace }, spec });
export const gns = (name: string, labels: Record<string, string>, nets: string[]): Obj =>
    ({ apiVersion: CALICO_V3, kind: "GlobalNetworkSet", metadata: { name, labels }, spec: { nets } });
export const hep = (name: string, labels: Record<string, string>): Obj =>
    ({ apiVersion: CALICO_V3, kind: "HostEndpoint", metadata: { name, labels }, spec: { node: "ip-10-0-1-10", interfaceName: "eth0" } });
