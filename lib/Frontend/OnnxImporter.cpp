//===- OnnxImporter.cpp - ONNX models to the rong dialect -----------------===//
//
// This file implements the graph walk of the ONNX importer: it checks the
// model's opset, turns graph inputs into function arguments, materialises
// initializers as constants on first use, dispatches every node to its
// converter, and returns the graph outputs. Errors name the node; unsupported
// ops are collected so that one run lists all of them.
//
//===----------------------------------------------------------------------===//

#include "rong/Frontend/OnnxImporter.h"
#include "OnnxNode.h"
#include "OnnxTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

/// The opsets of the default domain Rong imports.
static constexpr int64_t kMinOpset = 7;
static constexpr int64_t kMaxOpset = 28;

Type onnx_import::convertElementType(int32_t onnxType, MLIRContext *context) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  // Unsigned integers keep their signedness in the type: the kernels
  // compare, divide, widen and convert them as unsigned.
  case onnx::TensorProto::UINT8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case onnx::TensorProto::UINT16:
    return IntegerType::get(context, 16, IntegerType::Unsigned);
  case onnx::TensorProto::UINT32:
    return IntegerType::get(context, 32, IntegerType::Unsigned);
  case onnx::TensorProto::UINT64:
    return IntegerType::get(context, 64, IntegerType::Unsigned);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

StringRef onnx_import::elementTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "<invalid>";
}

namespace {

/// Walks one ONNX graph and builds the function holding it.
class GraphImporter {
public:
  GraphImporter(const onnx::ModelProto &model, StringRef sourceName,
                StringRef modelDir, MLIRContext *context,
                const OnnxImportOptions &options)
      : model(model), sourceName(sourceName), modelDir(modelDir),
        context(context), options(options), builder(context) {}

  OwningOpRef<ModuleOp> run();

private:
  Location fileLoc() { return FileLineColLoc::get(context, sourceName, 0, 0); }
  /// The node's name, or "#index" for unnamed nodes, as messages show it.
  static std::string displayName(const onnx::NodeProto &node, int index) {
    return node.name().empty() ? "#" + std::to_string(index) : node.name();
  }
  Location nodeLoc(const onnx::NodeProto &node, int index) {
    return NameLoc::get(StringAttr::get(context, displayName(node, index)),
                        fileLoc());
  }
  /// Reports a use of a value that failed earlier, if its failure was
  /// deferred until use (outputs a converter does not produce).
  void reportDeferred(StringRef name) {
    auto it = deferred.find(name);
    if (it == deferred.end())
      return;
    emitError(it->second.first) << it->second.second;
    hadError = true;
    deferred.erase(it);
  }

  LogicalResult checkOpset();
  FailureOr<Type> convertValueType(const onnx::ValueInfoProto &info);
  /// Returns the value named `name`, materialising an initializer if needed.
  /// Null if it is unknown; `poisoned` tells whether it failed earlier.
  Value lookup(StringRef name);
  void importNode(const onnx::NodeProto &node, int index,
                  const llvm::StringMap<Converter> &table);

  const onnx::ModelProto &model;
  std::string sourceName;
  std::string modelDir;
  MLIRContext *context;
  const OnnxImportOptions &options;
  OpBuilder builder;
  int64_t opset = 0;

  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringSet<> poisoned;
  /// The symbolic dimension names (dim_param) the graph inputs use.
  llvm::StringSet<> symbolicDims;
  /// Outputs a converter did not produce: reported only if something uses them.
  llvm::StringMap<std::pair<Location, std::string>> deferred;
  /// Unsupported op_type -> the nodes using it, in order of appearance.
  llvm::MapVector<StringRef, SmallVector<std::string>> unsupported;
  bool hadError = false;
};

} // namespace

LogicalResult GraphImporter::checkOpset() {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  if (opset == 0)
    return emitError(fileLoc()) << "model imports no opset of the default ONNX "
                                   "domain";
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(fileLoc())
           << "model uses ONNX opset " << opset << "; Rong supports opsets "
           << kMinOpset << " to " << kMaxOpset;
  return success();
}

FailureOr<Type> GraphImporter::convertValueType(const onnx::ValueInfoProto &info) {
  Location loc = NameLoc::get(StringAttr::get(context, info.name()), fileLoc());
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph value '" << info.name()
                          << "' is not a tensor; Rong imports tensors only";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = convertElementType(tensor.elem_type(), context);
  if (!element)
    return emitError(loc) << "graph value '" << info.name()
                          << "' has element type "
                          << elementTypeName(tensor.elem_type())
                          << ", which Rong does not support";
  if (!tensor.has_shape())
    return emitError(loc) << "graph value '" << info.name()
                          << "' has no shape; Rong needs at least the rank";
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() < 0)
      return emitError(loc) << "graph value '" << info.name()
                            << "' has negative dimension " << dim.dim_value();
    int64_t size = dim.has_dim_value() ? dim.dim_value() : ShapedType::kDynamic;
    if (!dim.has_dim_value() && !dim.dim_param().empty()) {
      symbolicDims.insert(dim.dim_param());
      for (const auto &[name, value] : options.dimSizes)
        if (name == dim.dim_param())
          size = value;
    }
    shape.push_back(size);
  }
  return Type(RankedTensorType::get(shape, element));
}

Value GraphImporter::lookup(StringRef name) {
  if (Value value = values.lookup(name))
    return value;
  auto it = initializers.find(name);
  if (it == initializers.end())
    return {};
  Location loc = NameLoc::get(StringAttr::get(context, name), fileLoc());
  ElementsAttr attr = convertTensor(*it->second, loc, modelDir,
                                    options.resourceThreshold);
  if (!attr) {
    hadError = true;
    poisoned.insert(name);
    initializers.erase(it);
    return {};
  }
  // Initializers go to the top of the function so every node can use them.
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(builder.getInsertionBlock());
  Value value = ConstantOp::create(builder, loc, attr);
  values[name] = value;
  return value;
}

void GraphImporter::importNode(const onnx::NodeProto &node, int index,
                               const llvm::StringMap<Converter> &table) {
  Location loc = nodeLoc(node, index);
  auto poisonOutputs = [&] {
    for (const std::string &output : node.output())
      poisoned.insert(output);
  };
  bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  auto it = defaultDomain ? table.find(node.op_type()) : table.end();
  if (it == table.end()) {
    std::string key = defaultDomain ? node.op_type()
                                    : node.domain() + "." + node.op_type();
    unsupported[StringAttr::get(context, key).getValue()].push_back(
        displayName(node, index));
    emitError(loc) << "node '" << displayName(node, index) << "' (" << key
                   << "): unsupported op";
    hadError = true;
    poisonOutputs();
    return;
  }
  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      inputs.push_back(Value());
      continue;
    }
    Value value = lookup(name);
    if (!value) {
      // An input that failed earlier was reported there; stay quiet.
      reportDeferred(name);
      if (!poisoned.contains(name)) {
        emitError(loc) << "node '" << displayName(node, index) << "' ("
                       << node.op_type()
                       << "): input '" << name
                       << "' is not defined before it is used";
        hadError = true;
      }
      poisonOutputs();
      return;
    }
    inputs.push_back(value);
  }
  NodeContext ctx(node, displayName(node, index), opset, builder, loc,
                  std::move(inputs));
  if (failed(it->second(ctx)) || ctx.hadError()) {
    hadError = true;
    poisonOutputs();
    return;
  }
  ArrayRef<Value> results = ctx.getResults();
  for (auto [i, output] : llvm::enumerate(node.output())) {
    if (output.empty())
      continue;
    if (i >= results.size() || !results[i]) {
      deferred.try_emplace(
          output, loc,
          ("node '" + displayName(node, index) + "' (" + node.op_type() +
           "): output " + Twine(i) + " ('" + output + "') is not supported")
              .str());
      poisoned.insert(output);
      continue;
    }
    values[output] = results[i];
  }
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (failed(checkOpset()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &init : graph.initializer())
    initializers[init.name()] = &init;
  if (graph.sparse_initializer_size() > 0) {
    emitError(fileLoc()) << "sparse initializers are not supported";
    return nullptr;
  }

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue; // IR < 4 lists initializers as inputs too.
    FailureOr<Type> type = convertValueType(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }

  // A size for a dimension no input has is a typo, not a no-op.
  for (const auto &[name, value] : options.dimSizes) {
    if (symbolicDims.contains(name))
      continue;
    SmallVector<StringRef> known(symbolicDims.keys());
    llvm::sort(known);
    std::string theirs = known.empty()
                             ? "they have none"
                             : "theirs: " + llvm::join(known, ", ");
    emitError(fileLoc()) << "no graph input has a symbolic dimension named '"
                         << name << "' (" << theirs << ")";
    return nullptr;
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc(), options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name] = entry->getArgument(i);
    func.setArgAttr(i, "rong.name", builder.getStringAttr(name));
  }
  builder.setInsertionPointToStart(entry);

  llvm::StringMap<Converter> table;
  addElementwiseConverters(table);
  addReductionConverters(table);
  addContractionConverters(table);
  addDataMovementConverters(table);
  addActivationConverters(table);
  addMathConverters(table);
  addGeneratorConverters(table);
  addNormalizationConverters(table);
  addRearrangeConverters(table);
  addLossConverters(table);
  addResizeConverters(table);
  addAttentionConverters(table);
  addQuantizationConverters(table);
  for (auto [index, node] : llvm::enumerate(graph.node()))
    importNode(node, index, table);

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value = lookup(output.name());
    if (!value) {
      reportDeferred(output.name());
      if (!poisoned.contains(output.name()))
        emitError(fileLoc()) << "graph output '" << output.name()
                             << "' is never produced";
      hadError = true;
      continue;
    }
    results.push_back(value);
  }
  if (!unsupported.empty()) {
    InFlightDiagnostic diag = emitError(fileLoc());
    diag << "the model uses " << unsupported.size() << " unsupported op type"
         << (unsupported.size() == 1 ? "" : "s") << ":";
    for (auto &[op, nodes] : unsupported)
      diag << " " << op << " (" << nodes.size() << " node"
           << (nodes.size() == 1 ? "" : "s") << ")";
  }
  if (hadError)
    return nullptr;

  func::ReturnOp::create(builder, fileLoc(), results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "rong.name", builder.getStringAttr(output.name()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

/// The ONNX element type that holds a .npy array of type `descr` for an
/// input declared as `declared`; 0 if the two do not agree.
static int32_t constantElementType(StringRef descr, int32_t declared) {
  using T = onnx::TensorProto;
  int32_t type = llvm::StringSwitch<int32_t>(descr)
                     .Case("<f4", T::FLOAT)
                     .Case("<f2", T::FLOAT16)
                     .Case("<i8", T::INT64)
                     .Case("<i4", T::INT32)
                     .Case("<i2", T::INT16)
                     .Case("|i1", T::INT8)
                     .Case("|u1", T::UINT8)
                     .Case("<u4", T::UINT32)
                     .Case("<u8", T::UINT64)
                     .Case("|b1", T::BOOL)
                     .Case("<u2", T::BFLOAT16) // bf16 as its bits
                     .Default(0);
  if (descr == "<u2" && declared == T::UINT16)
    return declared;
  return type == declared ? type : 0;
}

/// Replaces the graph inputs named in `constants` with initializers holding
/// their values. Every mismatch (no such input, another element type or
/// shape) is an error naming the input.
static LogicalResult bindConstantInputs(onnx::ModelProto &model,
                                        ArrayRef<OnnxConstantInput> constants,
                                        Location loc) {
  onnx::GraphProto *graph = model.mutable_graph();
  for (const OnnxConstantInput &constant : constants) {
    auto *inputs = graph->mutable_input();
    auto it = llvm::find_if(*inputs, [&](const onnx::ValueInfoProto &input) {
      return input.name() == constant.name;
    });
    if (it == inputs->end()) {
      std::string names;
      for (const onnx::ValueInfoProto &input : *inputs)
        names += (names.empty() ? "" : ", ") + input.name();
      return emitError(loc) << "constant input '" << constant.name
                            << "' is not a graph input (the inputs are: "
                            << names << ")";
    }
    const onnx::TypeProto::Tensor &declared = it->type().tensor_type();
    int32_t type = constantElementType(constant.npyDescr, declared.elem_type());
    if (!type)
      return emitError(loc)
             << "constant input '" << constant.name << "' is declared "
             << elementTypeName(declared.elem_type())
             << " but its value has NumPy type '" << constant.npyDescr << "'";
    if (declared.has_shape()) {
      SmallVector<int64_t> dims;
      for (const auto &dim : declared.shape().dim())
        dims.push_back(dim.has_dim_value() ? dim.dim_value()
                                           : ShapedType::kDynamic);
      if (!llvm::equal(dims, constant.shape, [](int64_t want, int64_t got) {
            return ShapedType::isDynamic(want) || want == got;
          }))
        return emitError(loc)
               << "constant input '" << constant.name << "' is declared with "
               << "shape " << str(dims) << " but its value has shape "
               << str(constant.shape);
    }
    onnx::TensorProto *init = graph->add_initializer();
    init->set_name(constant.name);
    init->set_data_type(type);
    for (int64_t dim : constant.shape)
      init->add_dims(dim);
    init->set_raw_data(constant.bytes);
    inputs->erase(it);
  }
  return success();
}

OwningOpRef<ModuleOp> mlir::rong::importOnnxBuffer(StringRef bytes,
                                                   StringRef sourceName,
                                                   StringRef modelDir,
                                                   MLIRContext *context,
                                                   const OnnxImportOptions &options) {
  context->loadDialect<RongDialect, func::FuncDialect>();
  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  stream.SetRecursionLimit(100);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    emitError(FileLineColLoc::get(context, sourceName, 0, 0))
        << "not a valid ONNX model: the file does not parse as an ONNX "
           "ModelProto";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(FileLineColLoc::get(context, sourceName, 0, 0))
        << "the ONNX model has no graph";
    return nullptr;
  }
  if (failed(bindConstantInputs(model, options.constantInputs,
                                FileLineColLoc::get(context, sourceName, 0, 0))))
    return nullptr;
  return GraphImporter(model, sourceName, modelDir, context, options).run();
}

OwningOpRef<ModuleOp> mlir::rong::importOnnxFile(StringRef path,
                                                 MLIRContext *context,
                                                 const OnnxImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  return importOnnxBuffer((*buffer)->getBuffer(), path,
                          llvm::sys::path::parent_path(path), context, options);
}

std::string mlir::rong::describeDynamicInput(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>())
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || tensor.hasStaticShape())
        continue;
      auto name = func.getArgAttrOfType<StringAttr>(i, "rong.name");
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "graph input '" << (name ? name.getValue() : StringRef("?"))
         << "' has a dynamic shape " << type;
      return text;
    }
  return {};
}
