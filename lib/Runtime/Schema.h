//===- Schema.h - The generated FlatBuffers schema --------------*- C++ -*-===//
//
// This file includes the header flatc generates from schema/artifact.fbs and
// checks that the schema's enumerations match the public ones in Types.h,
// which the rest of the runtime uses. Only the reader and the builder include
// it, so users of the runtime never need FlatBuffers headers.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_SCHEMA_H
#define RONG_RUNTIME_SCHEMA_H

#include "artifact_generated.h"
#include "rong/Runtime/Types.h"

namespace rong::runtime {

static_assert(static_cast<unsigned>(fb::DType::MAX) + 1 == kNumDTypes &&
                  static_cast<unsigned>(fb::DType::Bool) ==
                      static_cast<unsigned>(DType::Bool) &&
                  static_cast<unsigned>(fb::DType::BF16) ==
                      static_cast<unsigned>(DType::BF16),
              "DType in Types.h is out of step with artifact.fbs");
static_assert(static_cast<unsigned>(fb::BufferRole::MAX) + 1 ==
                      kNumBufferRoles &&
                  static_cast<unsigned>(fb::BufferRole::Intermediate) ==
                      static_cast<unsigned>(BufferRole::Intermediate),
              "BufferRole in Types.h is out of step with artifact.fbs");
static_assert(static_cast<unsigned>(fb::ModuleFormat::MAX) + 1 ==
                      kNumModuleFormats &&
                  static_cast<unsigned>(fb::ModuleFormat::CudaSource) ==
                      static_cast<unsigned>(ModuleFormat::CudaSource),
              "ModuleFormat in Types.h is out of step with artifact.fbs");

} // namespace rong::runtime

#endif // RONG_RUNTIME_SCHEMA_H
