//===- ArtifactChecks.h - Semantic checks of an artifact --------*- C++ -*-===//
//
// This file declares the checks that run on every artifact after the
// FlatBuffers verifier: the verifier proves the file is safe to read, these
// prove it is safe to execute (every index in range, every size consistent).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_ARTIFACTCHECKS_H
#define RONG_RUNTIME_ARTIFACTCHECKS_H

#include "rong/Runtime/Artifact.h"

namespace rong::runtime {

/// Returns the first inconsistency found, with a message that names the
/// buffer, module, kernel or step involved.
Status checkArtifact(const Artifact &artifact);

} // namespace rong::runtime

#endif // RONG_RUNTIME_ARTIFACTCHECKS_H
