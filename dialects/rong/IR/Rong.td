//===- Rong.td - The whole rong dialect --------------------*- tablegen -*-===//
//
// This file gathers every op file of the dialect; the dialect reference in
// docs/ is generated from it.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONG_TD
#define RONG_IR_RONG_TD

include "rong/IR/RongBase.td"
include "rong/IR/RongElementwiseOps.td"
include "rong/IR/RongReductionOps.td"
include "rong/IR/RongContractionOps.td"
include "rong/IR/RongDataMovementOps.td"
include "rong/IR/RongStructureOps.td"

#endif // RONG_IR_RONG_TD
