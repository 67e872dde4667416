//===- OnnxNode.h - What an ONNX op converter sees --------------*- C++ -*-===//
//
// This file declares the interface between the ONNX importer's graph walk and
// its per-op converters: a NodeContext gives a converter the node's inputs as
// values, its attributes with ONNX defaults, constant inputs as attributes,
// the opset version, a builder, and a way to report errors that name the node.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_FRONTEND_ONNXNODE_H
#define RONG_LIB_FRONTEND_ONNXNODE_H

#include "rong/IR/RongOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx.pb.h"

namespace mlir::rong::onnx_import {

/// The view of one ONNX node that a converter works with.
class NodeContext {
public:
  NodeContext(const onnx::NodeProto &node, StringRef displayName,
              int64_t opset, OpBuilder &builder, Location loc,
              SmallVector<Value> inputs)
      : node(node), displayName(displayName), opset(opset), builder(builder),
        loc(loc), inputs(std::move(inputs)) {}

  const onnx::NodeProto &proto() const { return node; }
  /// The version of the default ONNX domain the model imports.
  int64_t opsetVersion() const { return opset; }
  OpBuilder &b() { return builder; }
  Location getLoc() const { return loc; }

  /// Number of inputs, counting empty (omitted optional) ones.
  size_t numInputs() const { return inputs.size(); }
  /// Input `i`, or a null value when it is absent or empty.
  Value input(size_t i) const { return i < inputs.size() ? inputs[i] : Value(); }
  /// Input `i` as a ranked tensor type (the input must be present).
  RankedTensorType inputType(size_t i) const {
    return cast<RankedTensorType>(inputs[i].getType());
  }
  /// Input `i` if it is a compile-time constant, as dense elements.
  DenseElementsAttr constantInput(size_t i) const;
  /// Input `i` as a list of integers, if it is a constant integer tensor.
  std::optional<SmallVector<int64_t>> constantInts(size_t i) const;
  /// Input `i` as a list of doubles, if it is a constant float tensor.
  std::optional<SmallVector<double>> constantFloats(size_t i) const;
  /// Input `i` as one float, if it is a constant (scalar or 1-element) tensor.
  std::optional<double> constantScalar(size_t i) const;

  bool hasAttr(StringRef name) const { return findAttr(name) != nullptr; }
  int64_t attrInt(StringRef name, int64_t fallback) const;
  double attrFloat(StringRef name, double fallback) const;
  std::string attrString(StringRef name, StringRef fallback) const;
  SmallVector<int64_t> attrInts(StringRef name,
                                ArrayRef<int64_t> fallback = {}) const;
  const onnx::TensorProto *attrTensor(StringRef name) const;
  const onnx::AttributeProto *findAttr(StringRef name) const;

  /// Emits an error that names the node and returns failure.
  InFlightDiagnostic emitError();
  LogicalResult fail(const Twine &message);

  /// Sets the node's outputs. Must be called once by a successful converter.
  void setResults(ArrayRef<Value> values) {
    results.assign(values.begin(), values.end());
  }
  void setResults(Value value) { results.assign(1, value); }
  ArrayRef<Value> getResults() const { return results; }

  /// Builds `OpTy` and folds it when its operands are constant, so exporters'
  /// shape arithmetic collapses into constants as the graph is read. The
  /// result type is inferred first: a shape the op rejects becomes an error
  /// naming the node, and null is returned (as by every later create for
  /// this node, so converters can chain them and check once).
  template <typename OpTy, typename... Args>
  Value create(Args &&...args) {
    if (reportedError)
      return {};
    OperationState state(loc, OpTy::getOperationName());
    OpTy::build(builder, state, TypeRange{builder.getNoneType()},
                std::forward<Args>(args)...);
    state.types.clear();
    if (failed(inferTypes(state, &OpTy::inferReturnTypes)))
      return {};
    return insertAndFold(state);
  }

  /// True once this node reported an error (e.g. from a failed create).
  bool hadError() const { return reportedError; }

  /// Reshapes `value` to `shape` (no-op when it already has it).
  Value reshape(Value value, ArrayRef<int64_t> shape);
  /// A constant rank-0 tensor of `elementType` holding `value`.
  Value scalar(Type elementType, double value);
  /// A constant of static `type` holding `values` in row-major order (one
  /// value: a splat), each rounded to the element type.
  Value constant(RankedTensorType type, ArrayRef<double> values);
  /// The same for integer and boolean element types, exact for all of int64.
  Value constant(RankedTensorType type, ArrayRef<int64_t> values);

private:
  using InferFn = LogicalResult (*)(MLIRContext *, std::optional<Location>,
                                    ValueRange, DictionaryAttr,
                                    OpaqueProperties, RegionRange,
                                    SmallVectorImpl<Type> &);
  /// Runs `infer` on `state`, reporting a failure as this node's error.
  LogicalResult inferTypes(OperationState &state, InferFn infer);
  Value insertAndFold(OperationState &state);

  const onnx::NodeProto &node;
  std::string displayName;
  bool reportedError = false;
  int64_t opset;
  OpBuilder &builder;
  Location loc;
  SmallVector<Value> inputs;
  SmallVector<Value> results;
};

/// Checks that inputs 0 .. count-1 are present; reports the first missing one.
LogicalResult requireInputs(NodeContext &ctx, size_t count);
/// Checks `value`'s element type against what the rong op accepts: a float
/// type when `floatOnly`, otherwise anything but i1. `what` names the value in
/// the message ("the input", "B", ...).
LogicalResult requireElementType(NodeContext &ctx, Value value, StringRef what,
                                 bool floatOnly);
/// Refuses an unsigned integer `value` for an op whose kernels order values
/// (max / min reductions, arg max, max pooling), which compare as signed.
LogicalResult requireNotUnsigned(NodeContext &ctx, Value value,
                                 StringRef what);

/// Rounds float tensor `x` to the nearest integer, ties to even (ONNX
/// Round, and the rounding of QuantizeLinear).
Value roundHalfToEven(NodeContext &ctx, Value x);

/// Before opset 13, Softmax, LogSoftmax and Hardmax see their input 0 as a
/// matrix: the dimensions before attribute `axis` (default 1) are its rows,
/// the rest its columns. Applies `alongAxis(value, axis)` to that view along
/// its columns and gives the result the input's shape. Returns null after
/// reporting an error (an axis out of range, dynamic columns).
Value onCoercedRows(NodeContext &ctx,
                    llvm::function_ref<Value(Value, int64_t)> alongAxis);

/// Formats a shape for messages, `?` for dynamic dimensions: "[2, ?, 8]".
std::string str(ArrayRef<int64_t> shape);
/// Formats a type for messages.
std::string str(Type type);
/// A shape as rong's shape attributes (reshape, broadcast_to) spell it:
/// dynamic dimensions become -1.
SmallVector<int64_t> shapeAttr(ArrayRef<int64_t> shape);

/// A converter turns one ONNX node into rong ops and sets its results.
using Converter = LogicalResult (*)(NodeContext &);

/// Adds the converters of each family to `table`, keyed by ONNX op_type.
void addElementwiseConverters(llvm::StringMap<Converter> &table);
void addReductionConverters(llvm::StringMap<Converter> &table);
void addContractionConverters(llvm::StringMap<Converter> &table);
void addDataMovementConverters(llvm::StringMap<Converter> &table);
void addActivationConverters(llvm::StringMap<Converter> &table);
void addMathConverters(llvm::StringMap<Converter> &table);
void addGeneratorConverters(llvm::StringMap<Converter> &table);
void addNormalizationConverters(llvm::StringMap<Converter> &table);
void addRearrangeConverters(llvm::StringMap<Converter> &table);
void addLossConverters(llvm::StringMap<Converter> &table);
void addResizeConverters(llvm::StringMap<Converter> &table);
void addAttentionConverters(llvm::StringMap<Converter> &table);
void addQuantizationConverters(llvm::StringMap<Converter> &table);

/// Converts an ONNX element type; returns null for types Rong does not take.
Type convertElementType(int32_t onnxType, MLIRContext *context);
/// Names an ONNX element type for messages (e.g. "DOUBLE").
StringRef elementTypeName(int32_t onnxType);

} // namespace mlir::rong::onnx_import

#endif // RONG_LIB_FRONTEND_ONNXNODE_H
