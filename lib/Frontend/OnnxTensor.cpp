//===- OnnxTensor.cpp - ONNX tensors to MLIR attributes -------------------===//
//
// This file implements the conversion of ONNX TensorProtos into elements
// attributes: raw and typed payloads, external data files (confined to the
// model's folder), and dense resources for large weights.
//
//===----------------------------------------------------------------------===//

#include "OnnxTensor.h"
#include "OnnxNode.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

/// Resolves `location` relative to `modelDir`; fails if the result leaves it.
static FailureOr<std::string> resolveExternalPath(StringRef modelDir,
                                                  StringRef location,
                                                  Location loc) {
  if (llvm::sys::path::is_absolute(location))
    return emitError(loc) << "external data path '" << location
                          << "' is absolute; it must be relative to the "
                             "model's folder";
  SmallString<256> dir(modelDir.empty() ? "." : modelDir);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  SmallString<256> path(dir);
  llvm::sys::path::append(path, location);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  // Compare real paths too, so a symbolic link cannot lead outside.
  SmallString<256> realDir, realPath;
  bool escapes = !StringRef(path).starts_with((dir + "/").str());
  if (!escapes && !llvm::sys::fs::real_path(dir, realDir) &&
      !llvm::sys::fs::real_path(path, realPath))
    escapes = !StringRef(realPath).starts_with((realDir + "/").str());
  if (escapes)
    return emitError(loc) << "external data path '" << location
                          << "' leaves the model's folder";
  return std::string(path);
}

/// Reads the external payload of `tensor` into `bytes`.
static LogicalResult readExternal(const onnx::TensorProto &tensor,
                                  StringRef modelDir, Location loc,
                                  std::string &bytes) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t value;
      if (StringRef(entry.value()).getAsInteger(10, value) || value < 0)
        return emitError(loc) << "external data " << entry.key() << " '"
                              << entry.value() << "' is not a byte count";
      (entry.key() == "offset" ? offset : length) = value;
    }
  }
  if (location.empty())
    return emitError(loc) << "external data has no 'location'";
  FailureOr<std::string> path = resolveExternalPath(modelDir, location, loc);
  if (failed(path))
    return failure();
  auto buffer = llvm::MemoryBuffer::getFile(*path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(loc) << "cannot read external data file '" << location
                          << "': " << buffer.getError().message();
  StringRef data = (*buffer)->getBuffer();
  if (offset > static_cast<int64_t>(data.size()) ||
      (length >= 0 && offset + length > static_cast<int64_t>(data.size())))
    return emitError(loc) << "external data [" << offset << ", "
                          << (length < 0 ? -1 : offset + length)
                          << ") lies outside '" << location << "' ("
                          << data.size() << " bytes)";
  bytes = data.substr(offset, length < 0 ? StringRef::npos : length).str();
  return success();
}

/// Appends `count` little-endian values from a typed field to `bytes`.
template <typename T, typename Field>
static void appendTyped(const Field &field, std::string &bytes) {
  for (auto v : field) {
    T value = static_cast<T>(v);
    bytes.append(reinterpret_cast<const char *>(&value), sizeof(T));
  }
}

ElementsAttr onnx_import::convertTensor(const onnx::TensorProto &tensor,
                                        Location loc, StringRef modelDir,
                                        int64_t resourceThreshold) {
  MLIRContext *context = loc.getContext();
  Type element = convertElementType(tensor.data_type(), context);
  if (!element) {
    emitError(loc) << "tensor '" << tensor.name() << "' has element type "
                   << elementTypeName(tensor.data_type())
                   << ", which Rong does not support";
    return {};
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim > 0 && count > (int64_t(1) << 40) / dim)) {
      emitError(loc) << "tensor '" << tensor.name() << "' has invalid dims";
      return {};
    }
    shape.push_back(dim);
    count *= dim;
  }
  auto type = RankedTensorType::get(shape, element);
  bool isBool = element.isInteger(1);
  size_t width = isBool ? 1 : element.getIntOrFloatBitWidth() / 8;

  std::string bytes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    if (failed(readExternal(tensor, modelDir, loc, bytes)))
      return {};
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      appendTyped<float>(tensor.float_data(), bytes);
      break;
    case onnx::TensorProto::DOUBLE:
      appendTyped<double>(tensor.double_data(), bytes);
      break;
    case onnx::TensorProto::INT64:
      appendTyped<int64_t>(tensor.int64_data(), bytes);
      break;
    case onnx::TensorProto::INT32:
      appendTyped<int32_t>(tensor.int32_data(), bytes);
      break;
    case onnx::TensorProto::INT16:
      appendTyped<int16_t>(tensor.int32_data(), bytes);
      break;
    case onnx::TensorProto::INT8:
      appendTyped<int8_t>(tensor.int32_data(), bytes);
      break;
    case onnx::TensorProto::UINT8:
      appendTyped<uint8_t>(tensor.int32_data(), bytes);
      break;
    case onnx::TensorProto::UINT16:
      appendTyped<uint16_t>(tensor.int32_data(), bytes);
      break;
    case onnx::TensorProto::UINT32:
      appendTyped<uint32_t>(tensor.uint64_data(), bytes);
      break;
    case onnx::TensorProto::UINT64:
      appendTyped<uint64_t>(tensor.uint64_data(), bytes);
      break;
    case onnx::TensorProto::BOOL:
      appendTyped<uint8_t>(tensor.int32_data(), bytes);
      break;
    default: // FLOAT16 and BFLOAT16 keep their bits in int32_data.
      appendTyped<uint16_t>(tensor.int32_data(), bytes);
      break;
    }
  }
  if (bytes.size() != static_cast<size_t>(count) * width) {
    emitError(loc) << "tensor '" << tensor.name() << "' holds " << bytes.size()
                   << " bytes of data, expected " << count * width << " for "
                   << type;
    return {};
  }

  if (isBool) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  ArrayRef<char> raw(bytes.data(), bytes.size());
  if (count > resourceThreshold) {
    std::string name = tensor.name().empty() ? "onnx_tensor" : tensor.name();
    // Resource keys must be identifiers; the manager makes them unique.
    for (char &c : name)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    return DenseResourceElementsAttr::get(
        type, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, width));
  }
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}
