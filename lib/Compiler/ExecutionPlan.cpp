//===- ExecutionPlan.cpp - Lowered host function to an artifact -----------===//
//
// This file implements buildArtifact. The host function is walked in program
// order; each value gets the buffer that holds it:
//
//   function arguments      -> input buffers (in argument order)
//   rong.constant           -> constant buffers holding the bytes
//   rong.reshape            -> the operand's buffer (a view: same bytes)
//   rong.transpose, select  -> the operand's buffer as a strided view, read
//                              in place by a library call (or written in
//                              place by the matmul it reorders)
//   to_buffer / to_tensor   -> the buffer of the value they bridge
//   memref.alloc            -> a new intermediate, or the output buffer of
//                              the function result it becomes
//   gpu.launch_func         -> a launch step on its operands' buffers
//   rong.matmul             -> a gemm / batched_gemm library call, or a
//                              strided_gemm on strided views
//
// Intermediates are then placed in one arena: each lives from the first step
// that touches it to the last, and buffers whose lifetimes do not overlap
// share memory (largest first, lowest free offset).
//
//===----------------------------------------------------------------------===//

#include "ExecutionPlan.h"

#include "rong/IR/RongOps.h"
#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Transforms/StridedView.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::rong;
namespace rt = ::rong::runtime;

namespace {

struct PlanBuffer {
  std::string name;
  rt::DType dtype = rt::DType::F32;
  std::vector<int64_t> shape;
  rt::BufferRole role = rt::BufferRole::Intermediate;
  std::vector<uint8_t> data;
  uint64_t bytes = 0;
  uint64_t offset = 0;
  int first = -1, last = -1;
};

struct PlanStep {
  bool launch = true;
  rt::LaunchDesc launchDesc;
  rt::LibraryCallDesc call;
  std::string debug;
  std::vector<uint32_t> &args() { return launch ? launchDesc.args : call.args; }
};

FailureOr<rt::DType> toDType(Operation *where, Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isF32())
    return rt::DType::F32;
  if (element.isF16())
    return rt::DType::F16;
  if (element.isBF16())
    return rt::DType::BF16;
  if (element.isF64())
    return rt::DType::F64;
  if (element.isInteger(1))
    return rt::DType::Bool;
  if (element.isUnsignedInteger(8))
    return rt::DType::U8;
  if (element.isUnsignedInteger(16))
    return rt::DType::U16;
  if (element.isUnsignedInteger(32))
    return rt::DType::U32;
  if (element.isUnsignedInteger(64))
    return rt::DType::U64;
  if (element.isInteger(64))
    return rt::DType::I64;
  if (element.isInteger(32))
    return rt::DType::I32;
  if (element.isInteger(16))
    return rt::DType::I16;
  if (element.isInteger(8))
    return rt::DType::I8;
  return where->emitError() << "element type " << element
                            << " has no artifact buffer type";
}

std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string n = locationName(inner); !n.empty())
        return n;
  return "";
}

/// The bytes of a constant, one byte per bool, splats expanded.
FailureOr<std::vector<uint8_t>> constantBytes(ConstantOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  ElementsAttr value = op.getValue();
  std::vector<uint8_t> bytes;
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (type.getElementType().isInteger(1)) {
      for (bool v : dense.getValues<bool>())
        bytes.push_back(v ? 1 : 0);
      return bytes;
    }
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      for (int64_t i = 0; i < type.getNumElements(); ++i)
        bytes.insert(bytes.end(), raw.begin(), raw.end());
      return bytes;
    }
    bytes.assign(raw.begin(), raw.end());
    return bytes;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op.emitError() << "constant '" << resource.getRawHandle().getKey()
                            << "' has no data";
    ArrayRef<char> raw = blob->getData();
    bytes.assign(raw.begin(), raw.end());
    return bytes;
  }
  return op.emitError() << "constant of unsupported attribute kind";
}

/// The value whose buffer holds `value`: views and bridges are looked
/// through.
Value storageOf(Value value) {
  while (true) {
    Operation *def = value.getDefiningOp();
    if (auto reshape = dyn_cast_or_null<ReshapeOp>(def))
      value = reshape.getInput();
    else if (auto toTensor = dyn_cast_or_null<bufferization::ToTensorOp>(def))
      value = toTensor.getBuffer();
    else
      return value;
  }
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// Fails with a message naming the backend when its BLAS has no GEMM for
/// `op`'s element type.
LogicalResult checkGemmType(MatMulOp op, const plan::PlanBackend &backend) {
  Type element = getElementTypeOrSelf(op.getLhs().getType());
  bool lowPrecision = isa<Float16Type, BFloat16Type>(element);
  if (!element.isF32() && !element.isF64() &&
      !(lowPrecision && backend.lowPrecisionGemm))
    return op.emitError() << "matmul of " << element
                          << " is not supported by the " << backend.name
                          << " backend yet ("
                          << (backend.lowPrecisionGemm ? "f32, f64, f16 and bf16"
                                                       : "f32 and f64")
                          << " go to " << backend.blas << ")";
  return success();
}

/// The library call for a matmul with NumPy semantics on densely packed
/// operands.
FailureOr<rt::LibraryCallDesc> gemmCall(MatMulOp op,
                                         const plan::PlanBackend &backend) {
  if (failed(checkGemmType(op, backend)))
    return failure();
  auto lhs = cast<RankedTensorType>(op.getLhs().getType());
  auto rhs = cast<RankedTensorType>(op.getRhs().getType());
  ArrayRef<int64_t> ls = lhs.getShape(), rs = rhs.getShape();
  int64_t m = ls.size() >= 2 ? ls[ls.size() - 2] : 1;
  int64_t k = ls.back();
  int64_t n = rs.size() >= 2 ? rs.back() : 1;
  ArrayRef<int64_t> lb = ls.size() > 2 ? ls.drop_back(2) : ArrayRef<int64_t>();
  ArrayRef<int64_t> rb = rs.size() > 2 ? rs.drop_back(2) : ArrayRef<int64_t>();
  int64_t lbatch = product(lb), rbatch = product(rb);

  rt::LibraryCallDesc call;
  if (rbatch == 1) {
    // A shared right-hand matrix: the batch folds into the rows.
    call.function = "gemm";
    call.intParams = {lbatch * m, n, k, 0, 0};
  } else if (lbatch == 1) {
    call.function = "batched_gemm";
    call.intParams = {m, n, k, 0, 0, rbatch, 0, k * n, m * n};
  } else if (lb.size() == rb.size() && lb == rb) {
    call.function = "batched_gemm";
    call.intParams = {m, n, k, 0, 0, lbatch, m * k, k * n, m * n};
  } else {
    return op.emitError() << "matmul batch broadcasting of " << lhs << " and "
                          << rhs << " is not supported by the " << backend.name
                          << " backend yet";
  }
  call.floatParams = {1.0, 0.0};
  return call;
}

/// The library call for a GEMM layout: "gemm" or "batched_gemm" when the
/// operands are densely packed, "strided_gemm" otherwise.
rt::LibraryCallDesc layoutCall(const GemmLayout &g) {
  rt::LibraryCallDesc call;
  call.floatParams = {1.0, 0.0};
  if (g.isDense() && g.batch.empty()) {
    call.function = "gemm";
    call.intParams = {g.m, g.n, g.k, g.transA, g.transB};
    return call;
  }
  if (g.isDense()) {
    const GemmLayout::Level &l = g.batch.front();
    call.function = "batched_gemm";
    call.intParams = {g.m,     g.n,       g.k,       g.transA, g.transB,
                      l.extent, l.strideA, l.strideB, l.strideC};
    return call;
  }
  GemmLayout::Level inner{1, 0, 0, 0}, outer{1, 0, 0, 0};
  if (!g.batch.empty())
    inner = g.batch.back();
  if (g.batch.size() == 2)
    outer = g.batch.front();
  call.function = "strided_gemm";
  call.intParams = {g.m,          g.n,          g.k,          g.transA,
                    g.transB,     g.lda,        g.ldb,        g.ldc,
                    g.offsetA,    g.offsetB,    g.offsetC,    inner.extent,
                    inner.strideA, inner.strideB, inner.strideC, outer.extent,
                    outer.strideA, outer.strideB, outer.strideC};
  return call;
}

/// The library call for an NCHW convolution (without its buffers).
FailureOr<rt::LibraryCallDesc> convCall(Conv2DOp op,
                                         const plan::PlanBackend &backend) {
  auto input = cast<RankedTensorType>(op.getInput().getType());
  auto weight = cast<RankedTensorType>(op.getWeight().getType());
  if (!input.getElementType().isF32())
    return op.emitError() << "conv2d of " << input.getElementType()
                          << " is not supported by the " << backend.name
                          << " backend yet";
  if (input.getRank() != 4 || weight.getRank() != 4 ||
      op.getStrides().size() != 2 || op.getPads().size() != 4 ||
      op.getDilations().size() != 2)
    return op.emitError() << "conv2d needs 4-D input and weight, 2 strides, "
                             "4 pads and 2 dilations";
  ArrayRef<int64_t> in = input.getShape(), w = weight.getShape();
  ArrayRef<int64_t> st = op.getStrides(), pd = op.getPads(),
                    dl = op.getDilations();
  rt::LibraryCallDesc call;
  call.function = "conv2d";
  call.intParams = {in[0], in[1], in[2], in[3], w[0],  w[2],  w[3],
                    st[0], st[1], pd[0], pd[1], pd[2], pd[3], dl[0],
                    dl[1], static_cast<int64_t>(op.getGroups())};
  return call;
}

class PlanBuilder {
public:
  PlanBuilder(func::FuncOp host, const CompileOptions &options,
              const plan::PlanBackend &backend,
              const llvm::StringMap<plan::KernelLaunchInfo> &kernels,
              const llvm::StringMap<uint32_t> &kernelIndex)
      : host(host), options(options), backend(backend), kernels(kernels),
        kernelIndex(kernelIndex) {}

  LogicalResult build();
  void placeIntermediates();
  FailureOr<CompileResult> write(ArrayRef<plan::CodeModule> modules);

private:
  FailureOr<uint32_t> newBuffer(Operation *where, std::string name, Type type,
                                rt::BufferRole role);
  FailureOr<uint32_t> lookup(Operation *user, Value value);
  LogicalResult addStep(PlanStep step);

  func::FuncOp host;
  const CompileOptions &options;
  const plan::PlanBackend &backend;
  const llvm::StringMap<plan::KernelLaunchInfo> &kernels;
  const llvm::StringMap<uint32_t> &kernelIndex;
  std::vector<PlanBuffer> buffers;
  std::vector<PlanStep> steps;
  std::vector<uint32_t> inputs, outputs;
  DenseMap<Value, uint32_t> bufferOf;
  /// Values that are strided views of their buffer (layout ops folded into
  /// a library call's operands); absent means densely packed.
  DenseMap<Value, StridedView> viewOf;
  /// The view of `value` in its buffer.
  StridedView viewFor(Value value) const {
    auto it = viewOf.find(value);
    if (it != viewOf.end())
      return it->second;
    return StridedView::contiguous(
        cast<ShapedType>(value.getType()).getShape());
  }
  bool isStrided(Value value) const {
    auto it = viewOf.find(value);
    return it != viewOf.end() && !it->second.isContiguous();
  }
  LogicalResult planMatmul(MatMulOp matmul,
                           function_ref<FailureOr<uint32_t>(Operation *, Value,
                                                            StringRef)>
                               bufferForResult);
  /// Storage values that are function results: output buffer index.
  DenseMap<Value, uint32_t> outputStorage;
  /// Results copied into their output buffer after the last step.
  SmallVector<std::pair<Value, uint32_t>> copiedResults;
  uint64_t arenaBytes = 0;
};

FailureOr<uint32_t> PlanBuilder::newBuffer(Operation *where, std::string name,
                                           Type type, rt::BufferRole role) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return where->emitError() << "the execution plan needs static shapes; "
                                 "found "
                              << type;
  FailureOr<rt::DType> dtype = toDType(where, type);
  if (failed(dtype))
    return failure();
  PlanBuffer buffer;
  buffer.name = std::move(name);
  buffer.dtype = *dtype;
  buffer.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
  buffer.role = role;
  buffer.bytes = static_cast<uint64_t>(shaped.getNumElements()) *
                 rt::dtypeSize(*dtype);
  buffers.push_back(std::move(buffer));
  return static_cast<uint32_t>(buffers.size() - 1);
}

FailureOr<uint32_t> PlanBuilder::lookup(Operation *user, Value value) {
  auto it = bufferOf.find(value);
  if (it == bufferOf.end())
    return user->emitError() << "operand has no buffer in the execution plan "
                                "(produced by an op the plan does not know)";
  return it->second;
}

LogicalResult PlanBuilder::addStep(PlanStep step) {
  int index = static_cast<int>(steps.size());
  for (uint32_t arg : step.args()) {
    PlanBuffer &buffer = buffers[arg];
    if (buffer.first < 0)
      buffer.first = index;
    buffer.last = index;
  }
  steps.push_back(std::move(step));
  return success();
}

LogicalResult PlanBuilder::build() {
  Block &body = host.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());

  for (BlockArgument arg : body.getArguments()) {
    auto name = host.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "rong.name");
    FailureOr<uint32_t> index = newBuffer(
        host, name ? name.str() : "input" + std::to_string(arg.getArgNumber()),
        arg.getType(), rt::BufferRole::Input);
    if (failed(index))
      return failure();
    bufferOf[arg] = *index;
    inputs.push_back(*index);
  }
  for (auto [i, result] : llvm::enumerate(ret.getOperands())) {
    auto name = host.getResultAttrOfType<StringAttr>(i, "rong.name");
    FailureOr<uint32_t> index =
        newBuffer(ret, name ? name.str() : "output" + std::to_string(i),
                  result.getType(), rt::BufferRole::Output);
    if (failed(index))
      return failure();
    outputs.push_back(*index);
    Value storage = storageOf(result);
    Operation *def = storage.getDefiningOp();
    // Results that are inputs or constants (or views of them), and results
    // that repeat another, are copied into their output buffer at the end.
    if (!def || isa<ConstantOp>(def) ||
        !outputStorage.try_emplace(storage, *index).second)
      copiedResults.push_back({result, *index});
  }

  // Storage that becomes an output gets the output buffer, else a new one.
  auto bufferForResult = [&](Operation *op, Value value,
                             StringRef name) -> FailureOr<uint32_t> {
    auto it = outputStorage.find(value);
    if (it != outputStorage.end())
      return it->second;
    return newBuffer(op, name.str(), value.getType(),
                     rt::BufferRole::Intermediate);
  };

  for (Operation &opRef : body.without_terminator()) {
    Operation *op = &opRef;
    if (isa<arith::ConstantOp>(op))
      continue;
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      // Unused, or only the index of selects that are views.
      if (llvm::all_of(constant->getUsers(), [](Operation *user) {
            return isa<GatherOp>(user) && isLayoutOp(user);
          }))
        continue;
      FailureOr<std::vector<uint8_t>> bytes = constantBytes(constant);
      if (failed(bytes))
        return failure();
      std::string name = locationName(op->getLoc());
      FailureOr<uint32_t> index = newBuffer(
          op, name.empty() ? "const" + std::to_string(buffers.size()) : name,
          constant.getType(), rt::BufferRole::Constant);
      if (failed(index))
        return failure();
      if (bytes->size() != buffers[*index].bytes)
        return op->emitError() << "constant holds " << bytes->size()
                               << " bytes, its type needs "
                               << buffers[*index].bytes;
      buffers[*index].data = std::move(*bytes);
      bufferOf[constant.getResult()] = *index;
      continue;
    }
    if (isLayoutOp(op)) {
      // Reshapes are views; transposes and selects are strided views that
      // only a library call reads (or writes: then the result already has
      // its buffer).
      Value result = op->getResult(0);
      if (bufferOf.count(result))
        continue;
      FailureOr<uint32_t> index = lookup(op, op->getOperand(0));
      if (failed(index))
        return failure();
      bufferOf[result] = *index;
      if (!isa<ReshapeOp>(op) || viewOf.count(op->getOperand(0))) {
        std::optional<StridedView> view =
            applyLayoutOp(op, viewFor(op->getOperand(0)));
        if (!view)
          return op->emitError()
                 << "the execution plan cannot read this strided view in "
                    "place";
        viewOf[result] = *view;
      }
      continue;
    }
    // A kernel argument's signless view of an unsigned buffer.
    if (auto cast = dyn_cast<UnrealizedConversionCastOp>(op);
        cast && cast->getNumOperands() == 1 && cast->getNumResults() == 1 &&
        isa<MemRefType>(cast.getResult(0).getType())) {
      FailureOr<uint32_t> index = lookup(op, cast.getOperand(0));
      if (failed(index))
        return failure();
      bufferOf[cast.getResult(0)] = *index;
      continue;
    }
    if (auto toBuffer = dyn_cast<bufferization::ToBufferOp>(op)) {
      FailureOr<uint32_t> index = lookup(op, toBuffer.getTensor());
      if (failed(index))
        return failure();
      bufferOf[toBuffer.getResult()] = *index;
      continue;
    }
    if (auto toTensor = dyn_cast<bufferization::ToTensorOp>(op)) {
      FailureOr<uint32_t> index = lookup(op, toTensor.getBuffer());
      if (failed(index))
        return failure();
      bufferOf[toTensor.getResult()] = *index;
      continue;
    }
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      FailureOr<uint32_t> index = bufferForResult(
          op, alloc.getResult(), "t" + std::to_string(buffers.size()));
      if (failed(index))
        return failure();
      bufferOf[alloc.getResult()] = *index;
      continue;
    }
    if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
      StringRef symbol = launch.getKernelName();
      auto info = kernels.find(symbol);
      auto index = kernelIndex.find(symbol);
      if (info == kernels.end() || index == kernelIndex.end())
        return op->emitError() << "kernel '" << symbol
                               << "' has no compiled code";
      PlanStep step;
      step.launch = true;
      step.launchDesc.kernel = index->second;
      for (unsigned d = 0; d < 3; ++d) {
        step.launchDesc.grid[d] = static_cast<uint32_t>(info->second.grid[d]);
        step.launchDesc.block[d] = static_cast<uint32_t>(info->second.block[d]);
      }
      step.launchDesc.dynamicSharedBytes =
          static_cast<uint32_t>(info->second.dynamicSharedBytes);
      for (Value operand : launch.getKernelOperands()) {
        if (isStrided(operand))
          return op->emitError()
                 << "kernel '" << symbol
                 << "' reads a strided view; only library calls read views";
        FailureOr<uint32_t> buffer = lookup(op, operand);
        if (failed(buffer))
          return failure();
        step.launchDesc.args.push_back(*buffer);
      }
      step.debug = info->second.description;
      (void)addStep(std::move(step));
      continue;
    }
    if (auto matmul = dyn_cast<MatMulOp>(op)) {
      if (failed(planMatmul(matmul, bufferForResult)))
        return failure();
      continue;
    }
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      FailureOr<rt::LibraryCallDesc> call = convCall(conv, backend);
      if (failed(call))
        return failure();
      SmallVector<uint32_t> args;
      for (Value operand : conv->getOperands()) {
        if (isStrided(operand))
          return op->emitError() << "conv2d reads a strided view";
        FailureOr<uint32_t> buffer = lookup(op, operand);
        if (failed(buffer))
          return failure();
        args.push_back(*buffer);
      }
      FailureOr<uint32_t> out = bufferForResult(
          op, conv.getResult(), "t" + std::to_string(buffers.size()));
      if (failed(out))
        return failure();
      bufferOf[conv.getResult()] = *out;
      args.push_back(*out);
      PlanStep step;
      step.launch = false;
      step.call = std::move(*call);
      step.call.args.assign(args.begin(), args.end());
      std::string name = locationName(op->getLoc());
      step.debug = "contraction: rong.conv2d" +
                   (name.empty() ? std::string() : " '" + name + "'");
      (void)addStep(std::move(step));
      continue;
    }
    return op->emitError() << "'" << op->getName()
                           << "' outside a fusion group is not supported by "
                              "the execution plan";
  }
  for (auto [value, output] : copiedResults) {
    if (isStrided(value))
      return ret->emitError() << "a graph result is a strided view";
    FailureOr<uint32_t> source = lookup(ret, value);
    if (failed(source))
      return failure();
    PlanStep step;
    step.launch = false;
    step.call.function = "copy";
    step.call.args = {*source, output};
    step.debug = "copy to output '" + buffers[output].name + "'";
    (void)addStep(std::move(step));
  }
  return success();
}

LogicalResult PlanBuilder::planMatmul(
    MatMulOp matmul,
    function_ref<FailureOr<uint32_t>(Operation *, Value, StringRef)>
        bufferForResult) {
  Operation *op = matmul;
  // A product that only layout ops reorder (reshapes and transposes, each
  // read once) is written in place into the buffer of the last transpose.
  SmallVector<Operation *> chain;
  for (Value v = matmul.getResult(); v.hasOneUse();) {
    Operation *user = *v.getUsers().begin();
    if (!isa<ReshapeOp, TransposeOp>(user))
      break;
    chain.push_back(user);
    v = user->getResult(0);
  }
  while (!chain.empty() && isa<ReshapeOp>(chain.back()))
    chain.pop_back();

  bool strided = isStrided(matmul.getLhs()) || isStrided(matmul.getRhs()) ||
                 !chain.empty();
  FailureOr<uint32_t> a = lookup(op, matmul.getLhs());
  FailureOr<uint32_t> b = lookup(op, matmul.getRhs());
  if (failed(a) || failed(b))
    return failure();
  // The bias (one element per column of the product) is added in the GEMM's
  // epilogue: the runtime passes it as the call's argument before C.
  std::optional<uint32_t> bias;
  if (Value v = matmul.getBias()) {
    if (!backend.gemmBias)
      return op->emitError() << "a matmul with a bias is not supported by the "
                             << backend.name << " backend (its " << backend.blas
                             << " has no bias epilogue)";
    if (isStrided(v))
      return op->emitError() << "the bias of a matmul must be densely packed";
    FailureOr<uint32_t> index = lookup(op, v);
    if (failed(index))
      return failure();
    bias = *index;
  }
  PlanStep step;
  step.launch = false;
  std::string name = locationName(op->getLoc());
  step.debug = "contraction: rong.matmul" +
               (name.empty() ? std::string() : " '" + name + "'") +
               (bias ? " + bias" : "");
  if (!strided) {
    FailureOr<rt::LibraryCallDesc> call = gemmCall(matmul, backend);
    if (failed(call))
      return failure();
    FailureOr<uint32_t> c = bufferForResult(
        op, matmul.getResult(), "t" + std::to_string(buffers.size()));
    if (failed(c))
      return failure();
    bufferOf[matmul.getResult()] = *c;
    step.call = std::move(*call);
    step.call.args = {*a, *b, *c};
    if (bias)
      step.call.args.insert(step.call.args.begin() + 2, *bias);
    return addStep(std::move(step));
  }

  if (failed(checkGemmType(matmul, backend)))
    return failure();
  // The product's view inside the chain's final buffer.
  Value stored = chain.empty() ? Value(matmul.getResult())
                               : chain.back()->getResult(0);
  std::optional<StridedView> viewC = StridedView::contiguous(
      cast<ShapedType>(stored.getType()).getShape());
  for (Operation *layout : llvm::reverse(chain))
    if (viewC)
      viewC = invertLayoutOp(layout, *viewC);
  std::optional<GemmLayout> layout;
  if (viewC)
    layout = computeGemmLayout(viewFor(matmul.getLhs()),
                               viewFor(matmul.getRhs()), *viewC);
  if (!layout)
    return op->emitError() << "no library call reads and writes the strided "
                              "operands of this matmul in place";
  FailureOr<uint32_t> c =
      bufferForResult(op, stored, "t" + std::to_string(buffers.size()));
  if (failed(c))
    return failure();
  // The chain's values live in that buffer; the chain itself moves nothing.
  bufferOf[matmul.getResult()] = *c;
  viewOf[matmul.getResult()] = *viewC;
  StridedView current = *viewC;
  for (Operation *layoutOp : chain) {
    current = *applyLayoutOp(layoutOp, current);
    bufferOf[layoutOp->getResult(0)] = *c;
    viewOf[layoutOp->getResult(0)] = current;
  }
  if (bias && (layout->swapped ||
               layout->n !=
                   cast<ShapedType>(matmul.getType()).getShape().back()))
    return op->emitError() << "the bias of this matmul would not lie along "
                              "the columns of the library call that writes "
                              "its strided result";
  step.call = layoutCall(*layout);
  step.call.args = layout->swapped ? std::vector<uint32_t>{*b, *a, *c}
                                   : std::vector<uint32_t>{*a, *b, *c};
  if (bias)
    step.call.args.insert(step.call.args.begin() + 2, *bias);
  if (step.call.function == "strided_gemm")
    step.debug += " (strided operands)";
  return addStep(std::move(step));
}

void PlanBuilder::placeIntermediates() {
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].role == rt::BufferRole::Intermediate)
      order.push_back(i);
  llvm::sort(order, [&](uint32_t a, uint32_t b) {
    return buffers[a].bytes != buffers[b].bytes
               ? buffers[a].bytes > buffers[b].bytes
               : a < b;
  });
  std::vector<uint32_t> placed;
  for (uint32_t i : order) {
    PlanBuffer &buffer = buffers[i];
    uint64_t size = llvm::alignTo(std::max<uint64_t>(buffer.bytes, 1),
                                  rt::kDataAlignment);
    // Intervals taken by live-overlapping buffers, sorted by offset.
    std::vector<std::pair<uint64_t, uint64_t>> taken;
    for (uint32_t j : placed) {
      const PlanBuffer &other = buffers[j];
      if (other.last < buffer.first || buffer.last < other.first)
        continue;
      taken.push_back({other.offset,
                       other.offset + llvm::alignTo(std::max<uint64_t>(
                                                        other.bytes, 1),
                                                    rt::kDataAlignment)});
    }
    llvm::sort(taken);
    uint64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    buffer.offset = offset;
    arenaBytes = std::max(arenaBytes, offset + size);
    placed.push_back(i);
  }
}

FailureOr<CompileResult>
PlanBuilder::write(ArrayRef<plan::CodeModule> modules) {
  rt::ArtifactBuilder builder(backend.artifactTarget);
  builder.setProducer({"rong 0.1", options.sourceModel});
  builder.setArenaBytes(arenaBytes);
  builder.setIoAlignment(backend.ioAlignment);
  // Inputs and outputs are appended to the graph's lists in the order they
  // are added, so add them in argument and result order.
  std::vector<uint32_t> written(buffers.size());
  auto add = [&](uint32_t i) {
    const PlanBuffer &b = buffers[i];
    rt::BufferDesc desc;
    desc.name = b.name;
    desc.dtype = b.dtype;
    desc.shape = b.shape;
    desc.sizeBytes = b.bytes;
    desc.role = b.role;
    desc.arenaOffset = b.offset;
    desc.data = rt::ByteSpan::of(b.data);
    written[i] = builder.addBuffer(desc);
  };
  for (uint32_t i : inputs)
    add(i);
  for (uint32_t i : outputs)
    add(i);
  for (uint32_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].role != rt::BufferRole::Input &&
        buffers[i].role != rt::BufferRole::Output)
      add(i);

  for (auto [m, module] : llvm::enumerate(modules)) {
    rt::ModuleDesc desc;
    desc.target = module.target;
    for (auto &[format, bytes] : module.images)
      desc.images.push_back({format, rt::ByteSpan::of(bytes)});
    uint32_t index = builder.addModule(desc);
    for (const std::string &kernel : module.kernels)
      builder.addKernel(kernel, index);
  }

  CompileResult result;
  for (PlanStep &step : steps) {
    for (uint32_t &arg : step.args())
      arg = written[arg];
    if (step.launch) {
      result.steps.push_back({"kernel", "", step.debug});
      builder.addLaunch(step.launchDesc, step.debug);
    } else {
      result.steps.push_back({"library", step.call.function, step.debug});
      builder.addLibraryCall(step.call, step.debug);
    }
  }
  auto bytes = builder.serialize();
  if (!bytes.ok())
    return host.emitError() << "writing the artifact failed: "
                            << bytes.status().message();
  result.artifact = std::move(*bytes);
  result.arenaBytes = arenaBytes;
  return result;
}

} // namespace

FailureOr<CompileResult>
plan::buildArtifact(func::FuncOp host, const CompileOptions &options,
                    const PlanBackend &backend, ArrayRef<CodeModule> modules,
                    const llvm::StringMap<KernelLaunchInfo> &kernels) {
  llvm::StringMap<uint32_t> kernelIndex;
  uint32_t next = 0;
  for (const CodeModule &module : modules)
    for (const std::string &kernel : module.kernels)
      kernelIndex[kernel] = next++;
  PlanBuilder builder(host, options, backend, kernels, kernelIndex);
  if (failed(builder.build()))
    return failure();
  builder.placeIntermediates();
  return builder.write(modules);
}
