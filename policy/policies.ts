/**
 * The migration's invariants as CrossGuard policies (design.md, "Policy pack"), in one list: `index.ts` serves them
 * as a PolicyPack, `npm run plan -- --policy` runs them over each phase's declared resources, and the tests call each
 * validator directly (constructing a PolicyPack starts a gRPC server).
 */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ciliumEniMode, operatorIamLeastPrivilege, pinnedVersions } from "./ciliumInstall";
import { noNodeGroupReplacement, protectedProduction } from "./nodeGroups";
import { awsNodeNeverOnCiliumNodes, ciliumOffLegacyNodes } from "./placement";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    awsNodeNeverOnCiliumNodes,
    ciliumOffLegacyNodes,
    ciliumEniMode,
    noNodeGroupReplacement,
    protectedProduction,
    operatorIamLeastPrivilege,
    pinnedVersions,
];
