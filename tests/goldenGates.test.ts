// Every gate check on every phase's snapshot, its whole verdict held exactly (tests/fixtures/golden/gates.json): the
// passing states and the failing ones (a check of a later phase on an earlier cluster), every line and count.
import { CHECKS, SnapshotCheckName } from "../gates/registry";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { ClusterSnapshot } from "../clusterReader/k8sTypes";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { Golden } from "./support/golden";

describe("gate checks: whole verdicts on every phase's snapshot (golden)", () => {
    const golden = new Golden("gates");
    after(() => golden.save());
    for (let phase = 0; phase <= 9; phase++) {
        it(`phase ${phase}: every check's verdict`, () => {
            for (const name of Object.keys(CHECKS) as SnapshotCheckName[]) {
                const snapshot = copy(buildCluster(PHASE_SHAPES[phase])) as Required<ClusterSnapshot>;
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                golden.check(`phase-${phase} ${name}`, (CHECKS[name].run as (s: any, c: typeof ctx) => unknown)(snapshot, ctx));
            }
        });
    }
});
