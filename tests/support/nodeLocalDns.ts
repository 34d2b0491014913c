// Kubernetes' own NodeLocal DNS manifest (tests/fixtures/real/kubernetes/nodelocaldns.yaml), its DaemonSet as a
// cluster runs it: the tests of cidr-peer-in-cluster's host agents read its -localip from here.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Obj } from "../../preflight/types";
import { FIXTURES } from "./paths";

/** Kubernetes' NodeLocal DNS DaemonSet with its placeholders filled as its docs say (`sed s/__PILLAR__LOCAL__DNS__/…/`). */
export function nodeLocalDns(localDns: string, dnsServer: string): Obj {
    const text = fs.readFileSync(path.join(FIXTURES, "real", "kubernetes", "nodelocaldns.yaml"), "utf8")
        .replaceAll("__PILLAR__LOCAL__DNS__", localDns).replaceAll("__PILLAR__DNS__SERVER__", dnsServer);
    return YAML.parseAllDocuments(text).map((d) => d.toJSON()).find((d) => d?.kind === "DaemonSet");
}
