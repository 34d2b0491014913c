/** The policy pack: `pulumi preview --policy-pack policy` (README, "Policy pack"). Only constructs it. */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("eks-cilium-migration", { policies });
