//===- KernelPrinter.cpp - One gpu.func as CUDA-like or OpenCL C source ---===//
//
// This file implements printKernel, a walk over the kernel IR the strategies
// of rong-fusion-to-gpu emit (scf, arith, math, memref, vector and gpu ops)
// that prints C statements. Every SSA value becomes a C variable (scalar
// constants are inlined); vectors become small arrays whose ops are loops
// over lanes, which every vendor compiler unrolls; memrefs are pointers with
// static strides. scf.for/scf.if results are variables assigned by their
// yields. Shuffles use the profile's warp intrinsics, or, in OpenCL, a
// local-memory exchange between two barriers that works for any subgroup
// width. Anything else is an error that names the op.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/Source/SourceBackend.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::source;

namespace {

/// Where a memref lives, which OpenCL spells as an address-space qualifier.
enum class Space { Global, Local, Private };

class KernelPrinter {
public:
  KernelPrinter(const SourceProfile &profile, unsigned warpSize,
                raw_ostream &os)
      : profile(profile), warpSize(warpSize), out(os) {}

  LogicalResult print(gpu::GPUFuncOp kernel);

private:
  bool isCL() const { return profile.language == SourceLanguage::OpenCLC; }

  //--- Names and types ------------------------------------------------------
  std::string fresh() { return "v" + std::to_string(nextId++); }
  std::string indexType() const { return isCL() ? "long" : "long long"; }
  FailureOr<std::string> scalarType(Operation *op, Type type);
  std::string storageType(Type element);
  std::string unsignedType(Type type);
  std::string qualifier(Space space) const;
  /// The C expression of lane `lane` of `value` (the value itself for
  /// scalars and splats).
  std::string elem(Value value, StringRef lane);
  std::string name(Value value) { return names.lookup(value); }
  FailureOr<std::string> literal(Operation *op, Attribute attr, Type type);

  //--- Output ---------------------------------------------------------------
  raw_ostream &line() { return out.indent(2 * depth); }
  /// Declares the variable of `result` (an array for vectors) and returns
  /// its name. `init` (scalars only) initialises it.
  FailureOr<std::string> declare(Operation *op, Value result,
                                 StringRef init = "", bool isConst = true);
  /// Emits `result = expr(lane)` for every lane (once for scalars).
  LogicalResult emitLanes(Operation *op, Value result,
                          function_ref<std::string(StringRef)> expr);
  /// dst[...] = src[...] for scalars and arrays.
  void assign(StringRef dst, Value src);

  //--- Ops ------------------------------------------------------------------
  LogicalResult printRegion(Region &region);
  LogicalResult printOp(Operation *op);
  FailureOr<std::string> elementwise(Operation *op,
                                     function_ref<std::string(Value)> get);
  FailureOr<std::string> linearIndex(Operation *op, Value memref,
                                     ValueRange indices);
  LogicalResult printFor(scf::ForOp op);
  LogicalResult printIf(scf::IfOp op);
  LogicalResult printShuffle(gpu::ShuffleOp op);
  LogicalResult printReduction(vector::ReductionOp op);
  LogicalResult printConstant(arith::ConstantOp op);
  LogicalResult printView(memref::ViewOp op);
  std::string threadIndex(StringRef what, gpu::Dimension dim);
  std::string linearThreadId();
  FailureOr<std::string> mathCall(Operation *op);

  const SourceProfile &profile;
  unsigned warpSize;
  raw_ostream &out;
  unsigned depth = 1;
  unsigned nextId = 0;
  int64_t blockThreads = 1;
  DenseMap<Value, std::string> names;
  DenseMap<Value, Space> spaces;
  /// Vectors whose lanes all hold one scalar expression (splat constants,
  /// broadcasts): elem() returns that expression for every lane.
  DenseSet<Value> splats;
  /// Yield targets of the innermost scf.for / scf.if being printed.
  SmallVector<SmallVector<std::string>> yieldTargets;
  /// Per entry of yieldTargets: the predicate its yields assign under
  /// (predicated scf.if), or empty.
  SmallVector<std::string> yieldPredicates;
  /// OpenCL: the predicate of the scf.if being executed by the whole
  /// work-group (see printIf); loads under it read 0 where it is false and
  /// stores are skipped. Empty outside such regions.
  std::string predicate;
  std::string guardLoad(std::string e) {
    return predicate.empty() ? e : "(" + predicate + " ? " + e + " : 0)";
  }
  std::string guardStore() {
    return predicate.empty() ? "" : "if (" + predicate + ") ";
  }
  bool needsShuffleScratch = false;
  bool needsWideShuffleScratch = false;
};

} // namespace

//===----------------------------------------------------------------------===//
// Names and types
//===----------------------------------------------------------------------===//

FailureOr<std::string> KernelPrinter::scalarType(Operation *op, Type type) {
  if (auto vec = dyn_cast<VectorType>(type))
    type = vec.getElementType();
  if (type.isF32())
    return std::string("float");
  if (type.isF64())
    return std::string("double");
  // f16 and bf16 values are carried as their bits; the kernels compute in
  // f32 and convert with rong_{f16,bf16}_to_f32 and back.
  if (type.isF16() || type.isBF16())
    return std::string(isCL() ? "ushort" : "unsigned short");
  if (type.isIndex())
    return indexType();
  if (type.isInteger(1))
    return std::string("bool");
  if (type.isInteger(8))
    return std::string("signed char");
  if (type.isInteger(16))
    return std::string("short");
  if (type.isInteger(32))
    return std::string("int");
  if (type.isInteger(64))
    return indexType();
  return op->emitOpError("has a value of type ")
         << type << " that the " << profile.name
         << " source profile cannot print";
}

std::string KernelPrinter::storageType(Type element) {
  // i1 buffers hold one byte per element (the runtime's `bool`).
  // Callers have checked the type with scalarType (print() does for every
  // argument and attribution), so this cannot fail.
  if (element.isInteger(1))
    return isCL() ? "uchar" : "unsigned char";
  if (element.isF32())
    return "float";
  if (element.isF64())
    return "double";
  if (element.isF16() || element.isBF16())
    return isCL() ? "ushort" : "unsigned short";
  if (element.isInteger(8))
    return "signed char";
  if (element.isInteger(16))
    return "short";
  if (element.isInteger(32))
    return "int";
  return indexType();
}

std::string KernelPrinter::unsignedType(Type type) {
  if (auto vec = dyn_cast<VectorType>(type))
    type = vec.getElementType();
  if (type.isIndex() || type.isInteger(64))
    return isCL() ? "ulong" : "unsigned long long";
  if (type.isInteger(16))
    return "unsigned short";
  if (type.isInteger(8))
    return "unsigned char";
  if (type.isInteger(1))
    return "bool";
  return "unsigned int";
}

std::string KernelPrinter::qualifier(Space space) const {
  if (!isCL())
    return "";
  switch (space) {
  case Space::Global:
    return "__global ";
  case Space::Local:
    return "__local ";
  case Space::Private:
    return "";
  }
  return "";
}

std::string KernelPrinter::elem(Value value, StringRef lane) {
  if (!isa<VectorType>(value.getType()) || splats.contains(value))
    return name(value);
  return name(value) + "[" + lane.str() + "]";
}

/// `value` as an f32 literal, or as an f64 one when `wide`.
static std::string floatLiteral(const APFloat &value, bool wide) {
  APFloat f = value;
  bool lost = false;
  f.convert(wide ? APFloat::IEEEdouble() : APFloat::IEEEsingle(),
            APFloat::rmNearestTiesToEven, &lost);
  // NaN and infinity from their f32 bits (converted for f64: they stay NaN
  // and infinity).
  std::string special;
  if (f.isNaN())
    special = "rong_bits_to_f32(0x7fc00000u)";
  else if (f.isInfinity())
    special = f.isNegative() ? "rong_bits_to_f32(0xff800000u)"
                             : "rong_bits_to_f32(0x7f800000u)";
  if (!special.empty())
    return wide ? "((double)" + special + ")" : special;
  // Nine significant digits identify every f32, seventeen every f64.
  if (wide)
    return "(" + llvm::formatv("{0:e16}", f.convertToDouble()).str() + ")";
  return "(" + llvm::formatv("{0:e9}", f.convertToFloat()).str() + "f)";
}

FailureOr<std::string> KernelPrinter::literal(Operation *op, Attribute attr,
                                              Type type) {
  if (auto f = dyn_cast<FloatAttr>(attr)) {
    if (!f.getType().isF32() && !f.getType().isF64())
      return op->emitOpError("has a ") << f.getType()
                                       << " constant; the source backend "
                                          "computes in f32 and f64";
    return floatLiteral(f.getValue(), f.getType().isF64());
  }
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    if (i.getType().isInteger(1))
      return std::string(i.getValue().isZero() ? "false" : "true");
    int64_t v = i.getValue().getSExtValue();
    if (i.getType().isIndex() || i.getType().isInteger(64))
      return "((" + indexType() + ")" + std::to_string(v) + ")";
    return "(" + std::to_string(v) + ")";
  }
  return op->emitOpError("has a constant ") << attr << " the printer cannot print";
}

//===----------------------------------------------------------------------===//
// Output helpers
//===----------------------------------------------------------------------===//

FailureOr<std::string> KernelPrinter::declare(Operation *op, Value result,
                                              StringRef init, bool isConst) {
  FailureOr<std::string> type = scalarType(op, result.getType());
  if (failed(type))
    return failure();
  std::string n = fresh();
  names[result] = n;
  if (auto vec = dyn_cast<VectorType>(result.getType())) {
    line() << *type << " " << n << "[" << vec.getNumElements() << "];\n";
  } else if (init.empty()) {
    line() << *type << " " << n << ";\n";
  } else {
    line() << (isConst ? "const " : "") << *type << " " << n << " = " << init
           << ";\n";
  }
  return n;
}

LogicalResult
KernelPrinter::emitLanes(Operation *op, Value result,
                         function_ref<std::string(StringRef)> expr) {
  auto vec = dyn_cast<VectorType>(result.getType());
  if (!vec)
    return declare(op, result, expr(""));
  if (vec.getRank() != 1)
    return op->emitOpError("has a vector of rank ")
           << vec.getRank() << "; the source backend prints 1-D vectors only";
  FailureOr<std::string> n = declare(op, result);
  if (failed(n))
    return failure();
  line() << "for (int l = 0; l < " << vec.getNumElements() << "; ++l) " << *n
         << "[l] = " << expr("l") << ";\n";
  return success();
}

void KernelPrinter::assign(StringRef dst, Value src) {
  if (auto vec = dyn_cast<VectorType>(src.getType())) {
    line() << "for (int l = 0; l < " << vec.getNumElements() << "; ++l) "
           << dst << "[l] = " << elem(src, "l") << ";\n";
    return;
  }
  line() << dst << " = " << name(src) << ";\n";
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

static StringRef cmpfExpr(arith::CmpFPredicate p) {
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::AlwaysFalse:
    return "false";
  case P::OEQ:
    return "({0} == {1})";
  case P::OGT:
    return "({0} > {1})";
  case P::OGE:
    return "({0} >= {1})";
  case P::OLT:
    return "({0} < {1})";
  case P::OLE:
    return "({0} <= {1})";
  case P::ONE:
    return "({0} < {1} || {0} > {1})";
  case P::ORD:
    return "({0} == {0} && {1} == {1})";
  case P::UEQ:
    return "!({0} < {1} || {0} > {1})";
  case P::UGT:
    return "!({0} <= {1})";
  case P::UGE:
    return "!({0} < {1})";
  case P::ULT:
    return "!({0} >= {1})";
  case P::ULE:
    return "!({0} > {1})";
  case P::UNE:
    return "({0} != {1})";
  case P::UNO:
    return "({0} != {0} || {1} != {1})";
  case P::AlwaysTrue:
    return "true";
  }
  return "false";
}

FailureOr<std::string> KernelPrinter::mathCall(Operation *op) {
  // CUDA-like names (HIP, MUSA, MACA and CoreX keep CUDA's), OpenCL's
  // overloaded built-ins.
  struct Entry {
    StringRef op, cuda, cl;
  };
  static const Entry table[] = {
      {"math.exp", "expf", "exp"},       {"math.exp2", "exp2f", "exp2"},
      {"math.expm1", "expm1f", "expm1"}, {"math.log", "logf", "log"},
      {"math.log2", "log2f", "log2"},    {"math.log10", "log10f", "log10"},
      {"math.log1p", "log1pf", "log1p"}, {"math.sqrt", "sqrtf", "sqrt"},
      {"math.rsqrt", "rsqrtf", "rsqrt"}, {"math.tanh", "tanhf", "tanh"},
      {"math.sinh", "sinhf", "sinh"},    {"math.cosh", "coshf", "cosh"},
      {"math.sin", "sinf", "sin"},       {"math.cos", "cosf", "cos"},
      {"math.tan", "tanf", "tan"},       {"math.erf", "erff", "erf"},
      {"math.erfc", "erfcf", "erfc"},    {"math.absf", "fabsf", "fabs"},
      {"math.floor", "floorf", "floor"}, {"math.ceil", "ceilf", "ceil"},
      {"math.round", "roundf", "round"}, {"math.roundeven", "rintf", "rint"},
      {"math.trunc", "truncf", "trunc"}, {"math.powf", "powf", "pow"},
      {"math.copysign", "copysignf", "copysign"},
      {"math.fma", "fmaf", "fma"},       {"arith.remf", "fmodf", "fmod"},
      {"arith.maxnumf", "fmaxf", "fmax"}, {"arith.minnumf", "fminf", "fmin"},
  };
  // f64 takes the overloaded names in both languages (CUDA's `exp` is the
  // double one).
  bool f64 = op->getNumResults() &&
             getElementTypeOrSelf(op->getResult(0).getType()).isF64();
  StringRef opName = op->getName().getStringRef();
  for (const Entry &e : table)
    if (e.op == opName)
      return (isCL() || f64 ? e.cl : e.cuda).str();
  return failure();
}

FailureOr<std::string>
KernelPrinter::elementwise(Operation *op, function_ref<std::string(Value)> get) {
  auto bin = [&](StringRef sym) {
    return "(" + get(op->getOperand(0)) + " " + sym.str() + " " +
           get(op->getOperand(1)) + ")";
  };
  auto call = [&](StringRef fn) {
    std::string s = fn.str() + "(";
    for (auto [i, v] : llvm::enumerate(op->getOperands()))
      s += (i ? ", " : "") + get(v);
    return s + ")";
  };
  auto cast = [&](StringRef type, std::string inner) {
    return "((" + type.str() + ")" + inner + ")";
  };
  auto unsignedBin = [&](StringRef sym) {
    std::string u = unsignedType(op->getOperand(0).getType());
    std::string t = *scalarType(op, op->getResult(0).getType());
    return cast(t, "(" + cast(u, get(op->getOperand(0))) + " " + sym.str() +
                       " " + cast(u, get(op->getOperand(1))) + ")");
  };
  Type resultType = op->getNumResults() ? op->getResult(0).getType() : Type();
  auto resultScalar = [&]() { return *scalarType(op, resultType); };
  auto srcElement = [&]() {
    return getElementTypeOrSelf(op->getOperand(0).getType());
  };
  auto dstElement = [&]() { return getElementTypeOrSelf(resultType); };

  FailureOr<std::string> math = mathCall(op);
  if (succeeded(math)) {
    if (!dstElement().isF32() && !dstElement().isF64())
      return op->emitOpError("computes in ")
             << dstElement() << "; the source backend computes in f32 and f64";
    return call(*math);
  }

  return llvm::TypeSwitch<Operation *, FailureOr<std::string>>(op)
      .Case([&](arith::AddFOp) { return bin("+"); })
      .Case([&](arith::SubFOp) { return bin("-"); })
      .Case([&](arith::MulFOp) { return bin("*"); })
      .Case([&](arith::DivFOp) { return bin("/"); })
      .Case([&](arith::NegFOp o) { return "(-" + get(o.getOperand()) + ")"; })
      .Case([&](arith::MaximumFOp) {
        return call(dstElement().isF64() ? "rong_maximum_f64"
                                         : "rong_maximumf");
      })
      .Case([&](arith::MinimumFOp) {
        return call(dstElement().isF64() ? "rong_minimum_f64"
                                         : "rong_minimumf");
      })
      .Case([&](arith::AddIOp) { return bin("+"); })
      .Case([&](arith::SubIOp) { return bin("-"); })
      .Case([&](arith::MulIOp) { return bin("*"); })
      .Case([&](arith::DivSIOp) { return bin("/"); })
      .Case([&](arith::RemSIOp) { return bin("%"); })
      .Case([&](arith::DivUIOp) { return unsignedBin("/"); })
      .Case([&](arith::RemUIOp) { return unsignedBin("%"); })
      .Case([&](arith::AndIOp) { return bin("&"); })
      .Case([&](arith::OrIOp) { return bin("|"); })
      .Case([&](arith::XOrIOp) { return bin("^"); })
      .Case([&](arith::ShLIOp) { return bin("<<"); })
      .Case([&](arith::ShRSIOp) { return bin(">>"); })
      .Case([&](arith::ShRUIOp) { return unsignedBin(">>"); })
      .Case([&](arith::CeilDivSIOp o) {
        std::string a = get(o.getLhs()), b = get(o.getRhs());
        return "(" + a + " / " + b + " + ((" + a + " % " + b + " != 0) && ((" +
               a + " < 0) == (" + b + " < 0))))";
      })
      .Case([&](arith::FloorDivSIOp o) {
        std::string a = get(o.getLhs()), b = get(o.getRhs());
        return "(" + a + " / " + b + " - ((" + a + " % " + b + " != 0) && ((" +
               a + " < 0) != (" + b + " < 0))))";
      })
      .Case([&](arith::MaxSIOp o) {
        std::string a = get(o.getLhs()), b = get(o.getRhs());
        return "(" + a + " > " + b + " ? " + a + " : " + b + ")";
      })
      .Case([&](arith::MinSIOp o) {
        std::string a = get(o.getLhs()), b = get(o.getRhs());
        return "(" + a + " < " + b + " ? " + a + " : " + b + ")";
      })
      .Case([&](arith::MaxUIOp o) {
        std::string u = unsignedType(o.getType());
        std::string a = cast(u, get(o.getLhs())), b = cast(u, get(o.getRhs()));
        return cast(resultScalar(), "(" + a + " > " + b + " ? " + a + " : " +
                                        b + ")");
      })
      .Case([&](arith::MinUIOp o) {
        std::string u = unsignedType(o.getType());
        std::string a = cast(u, get(o.getLhs())), b = cast(u, get(o.getRhs()));
        return cast(resultScalar(), "(" + a + " < " + b + " ? " + a + " : " +
                                        b + ")");
      })
      .Case([&](arith::CmpFOp o) -> FailureOr<std::string> {
        return llvm::formatv(cmpfExpr(o.getPredicate()).data(),
                             get(o.getLhs()), get(o.getRhs()))
            .str();
      })
      .Case([&](arith::CmpIOp o) -> FailureOr<std::string> {
        using P = arith::CmpIPredicate;
        std::string a = get(o.getLhs()), b = get(o.getRhs());
        bool isUnsigned = o.getPredicate() == P::ult ||
                          o.getPredicate() == P::ule ||
                          o.getPredicate() == P::ugt ||
                          o.getPredicate() == P::uge;
        if (isUnsigned) {
          std::string u = unsignedType(o.getLhs().getType());
          a = cast(u, a);
          b = cast(u, b);
        }
        StringRef sym;
        switch (o.getPredicate()) {
        case P::eq:
          sym = "==";
          break;
        case P::ne:
          sym = "!=";
          break;
        case P::slt:
        case P::ult:
          sym = "<";
          break;
        case P::sle:
        case P::ule:
          sym = "<=";
          break;
        case P::sgt:
        case P::ugt:
          sym = ">";
          break;
        case P::sge:
        case P::uge:
          sym = ">=";
          break;
        }
        return "(" + a + " " + sym.str() + " " + b + ")";
      })
      .Case([&](arith::SelectOp o) {
        return "(" + get(o.getCondition()) + " ? " + get(o.getTrueValue()) +
               " : " + get(o.getFalseValue()) + ")";
      })
      .Case([&](arith::ExtFOp o) -> FailureOr<std::string> {
        std::string in = get(o.getIn());
        if (srcElement().isF16())
          in = "rong_f16_to_f32(" + in + ")";
        else if (srcElement().isBF16())
          in = "rong_bf16_to_f32(" + in + ")";
        return dstElement().isF64() ? cast("double", in) : in;
      })
      .Case([&](arith::TruncFOp o) -> FailureOr<std::string> {
        if (o.getRoundingmodeAttr() &&
            *o.getRoundingmode() != arith::RoundingMode::to_nearest_even)
          return o.emitOpError("rounds other than to nearest even");
        std::string in = get(o.getIn());
        if (srcElement().isF64()) {
          // f64 -> f16 / bf16 was rewritten through f32 by
          // populateNarrowF64Patterns before printing.
          if (!dstElement().isF32())
            return o.emitOpError("truncates f64 to ")
                   << dstElement() << " in one step";
          return cast("float", in);
        }
        if (dstElement().isF16())
          return "rong_f32_to_f16(" + in + ")";
        if (dstElement().isBF16())
          return "rong_f32_to_bf16(" + in + ")";
        return in;
      })
      .Case([&](arith::SIToFPOp o) -> FailureOr<std::string> {
        if (!dstElement().isF32() && !dstElement().isF64())
          return o.emitOpError("converts to a type other than f32 and f64");
        return cast(resultScalar(), get(o.getIn()));
      })
      .Case([&](arith::UIToFPOp o) -> FailureOr<std::string> {
        if (!dstElement().isF32() && !dstElement().isF64())
          return o.emitOpError("converts to a type other than f32 and f64");
        return cast(resultScalar(), cast(unsignedType(o.getIn().getType()),
                                         get(o.getIn())));
      })
      .Case([&](arith::FPToSIOp o) {
        return cast(resultScalar(), get(o.getIn()));
      })
      .Case([&](arith::FPToUIOp o) {
        return cast(resultScalar(),
                    cast(unsignedType(o.getType()), get(o.getIn())));
      })
      .Case<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(
          [&](Operation *o) -> FailureOr<std::string> {
            if (srcElement().isInteger(1) && isa<arith::ExtSIOp>(o))
              return "(-" + cast(resultScalar(), get(o->getOperand(0))) + ")";
            return cast(resultScalar(), get(o->getOperand(0)));
          })
      .Case<arith::IndexCastUIOp, arith::ExtUIOp>([&](Operation *o) {
        return cast(resultScalar(),
                    cast(unsignedType(o->getOperand(0).getType()),
                         get(o->getOperand(0))));
      })
      .Case([&](arith::BitcastOp o) -> FailureOr<std::string> {
        if (srcElement().isF32() && dstElement().isInteger(32))
          return cast("int", "rong_f32_to_bits(" + get(o.getIn()) + ")");
        if (srcElement().isInteger(32) && dstElement().isF32())
          return "rong_bits_to_f32(" +
                 cast("unsigned int", get(o.getIn())) + ")";
        return o.emitOpError("bit-casts ")
               << srcElement() << " to " << dstElement()
               << ", which the source backend does not print";
      })
      .Default([&](Operation *o) -> FailureOr<std::string> {
        return o->emitOpError("is not supported by the ")
               << profile.name << " source profile";
      });
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

FailureOr<std::string> KernelPrinter::linearIndex(Operation *op, Value memref,
                                                  ValueRange indices) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || offset != 0 ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return op->emitOpError("accesses ")
           << type << "; the source backend needs static strides and offset 0";
  std::string index;
  for (auto [i, v] : llvm::enumerate(indices)) {
    std::string term = name(v);
    if (strides[i] != 1)
      term = "(" + term + " * " + std::to_string(strides[i]) + ")";
    index += (index.empty() ? "" : " + ") + term;
  }
  return index.empty() ? std::string("0") : index;
}

LogicalResult KernelPrinter::printView(memref::ViewOp op) {
  auto type = op.getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity())
    return op.emitOpError("views ")
           << type << "; the source backend needs a static, identity layout";
  if (failed(scalarType(op, type.getElementType())))
    return failure();
  std::string q = qualifier(spaces.lookup(op.getSource()));
  std::string t = storageType(type.getElementType());
  std::string n = fresh();
  line() << q << t << " *" << n << " = (" << q << t << " *)(" 
         << name(op.getSource()) << " + " << name(op.getByteShift()) << ");\n";
  names[op.getResult()] = n;
  spaces[op.getResult()] = spaces.lookup(op.getSource());
  return success();
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

LogicalResult KernelPrinter::printFor(scf::ForOp op) {
  if (op.getUnsignedCmp())
    return op.emitOpError("compares its bounds unsigned, which the source "
                          "backend does not print");
  // Iteration arguments and results share one variable: the body reads the
  // carried value from it and scf.yield writes the next one.
  SmallVector<std::string> vars;
  for (auto [init, result, arg] :
       llvm::zip(op.getInitArgs(), op.getResults(), op.getRegionIterArgs())) {
    FailureOr<std::string> n = declare(op, result, "", false);
    if (failed(n))
      return failure();
    assign(*n, init);
    names[arg] = *n;
    vars.push_back(*n);
  }
  FailureOr<std::string> ivType = scalarType(op, op.getInductionVar().getType());
  if (failed(ivType))
    return failure();
  std::string iv = fresh();
  names[op.getInductionVar()] = iv;
  line() << "for (" << *ivType << " " << iv << " = " << name(op.getLowerBound())
         << "; " << iv << " < " << name(op.getUpperBound()) << "; " << iv
         << " += " << name(op.getStep()) << ") {\n";
  yieldTargets.push_back(vars);
  yieldPredicates.push_back("");
  ++depth;
  LogicalResult body = printRegion(op.getRegion());
  --depth;
  yieldTargets.pop_back();
  yieldPredicates.pop_back();
  line() << "}\n";
  return body;
}

LogicalResult KernelPrinter::printIf(scf::IfOp op) {
  SmallVector<std::string> vars;
  for (Value result : op.getResults()) {
    FailureOr<std::string> n = declare(op, result, "", false);
    if (failed(n))
      return failure();
    vars.push_back(*n);
  }
  // OpenCL exchanges shuffles through local memory between work-group
  // barriers, which every work-item must reach. An scf.if around shuffles or
  // barriers (row.warp skips rows past the end) is therefore executed by the
  // whole work-group under a predicate: loads read 0 and stores are skipped
  // where it is false, and yields assign only where their branch holds.
  bool convergent =
      isCL() && op->walk([](Operation *inner) {
                    return isa<gpu::ShuffleOp, gpu::BarrierOp>(inner)
                               ? WalkResult::interrupt()
                               : WalkResult::advance();
                  }).wasInterrupted();
  if (convergent) {
    std::string outer = predicate;
    std::string prefix = outer.empty() ? "" : outer + " && ";
    std::string thenPred = fresh();
    line() << "const bool " << thenPred << " = " << prefix
           << name(op.getCondition()) << ";\n";
    yieldTargets.push_back(vars);
    yieldPredicates.push_back(thenPred);
    predicate = thenPred;
    line() << "{ // executed by every work-item, predicated\n";
    ++depth;
    LogicalResult ok = printRegion(op.getThenRegion());
    --depth;
    line() << "}\n";
    if (succeeded(ok) && !op.getElseRegion().empty()) {
      std::string elsePred = fresh();
      line() << "const bool " << elsePred << " = " << prefix << "!"
             << name(op.getCondition()) << ";\n";
      yieldPredicates.back() = elsePred;
      predicate = elsePred;
      line() << "{ // executed by every work-item, predicated\n";
      ++depth;
      ok = printRegion(op.getElseRegion());
      --depth;
      line() << "}\n";
    }
    predicate = outer;
    yieldTargets.pop_back();
    yieldPredicates.pop_back();
    return ok;
  }
  line() << "if (" << name(op.getCondition()) << ") {\n";
  yieldTargets.push_back(vars);
  yieldPredicates.push_back("");
  ++depth;
  LogicalResult ok = printRegion(op.getThenRegion());
  --depth;
  if (succeeded(ok) && !op.getElseRegion().empty()) {
    line() << "} else {\n";
    ++depth;
    ok = printRegion(op.getElseRegion());
    --depth;
  }
  yieldTargets.pop_back();
  yieldPredicates.pop_back();
  line() << "}\n";
  return ok;
}

LogicalResult KernelPrinter::printRegion(Region &region) {
  if (!region.hasOneBlock())
    return region.getParentOp()->emitOpError(
        "has a region with several blocks; the source backend prints "
        "structured control flow only");
  for (Operation &op : region.front())
    if (failed(printOp(&op)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// GPU ops
//===----------------------------------------------------------------------===//

static char dimChar(gpu::Dimension dim) {
  switch (dim) {
  case gpu::Dimension::x:
    return 'x';
  case gpu::Dimension::y:
    return 'y';
  case gpu::Dimension::z:
    return 'z';
  }
  return 'x';
}

std::string KernelPrinter::threadIndex(StringRef what, gpu::Dimension dim) {
  int d = static_cast<int>(dim);
  if (isCL()) {
    StringRef fn = llvm::StringSwitch<StringRef>(what)
                       .Case("thread", "get_local_id")
                       .Case("block", "get_group_id")
                       .Case("blockDim", "get_local_size")
                       .Case("gridDim", "get_num_groups")
                       .Default("get_global_id");
    return "((long)" + fn.str() + "(" + std::to_string(d) + "))";
  }
  StringRef var = llvm::StringSwitch<StringRef>(what)
                      .Case("thread", "threadIdx")
                      .Case("block", "blockIdx")
                      .Case("blockDim", "blockDim")
                      .Case("gridDim", "gridDim")
                      .Default("");
  std::string c(1, dimChar(dim));
  if (var.empty())
    return "((long long)blockIdx." + c + " * (long long)blockDim." + c +
           " + (long long)threadIdx." + c + ")";
  return "((long long)" + var.str() + "." + c + ")";
}

std::string KernelPrinter::linearThreadId() {
  return isCL() ? "rong_lid" : "rong_linear_tid()";
}

LogicalResult KernelPrinter::printShuffle(gpu::ShuffleOp op) {
  Type type = op.getValue().getType();
  bool wide = type.isInteger(64) || type.isF64();
  if (!type.isF32() && !type.isInteger(32) && !wide)
    return op.emitOpError("shuffles ")
           << type << "; the source backend shuffles f32, f64, i32 and i64";
  std::string value = name(op.getValue());
  std::string offset = "(int)" + name(op.getOffset());
  std::string width = "(int)" + name(op.getWidth());
  // The width is a constant in the strategies' IR; it must fit the warp.
  if (auto w = getConstantIntValue(op.getWidth()))
    if (*w > static_cast<int64_t>(warpSize) && !isCL())
      return op.emitOpError("shuffles across ")
             << *w << " lanes, more than the warp of " << warpSize
             << " the target descriptor gives the " << profile.name
             << " profile";
  std::string lane = "(" + linearThreadId() + " % " + width + ")";
  std::string src;
  switch (op.getMode()) {
  case gpu::ShuffleMode::XOR:
    src = "(" + lane + " ^ " + offset + ")";
    break;
  case gpu::ShuffleMode::DOWN:
    src = "(" + lane + " + " + offset + ")";
    break;
  case gpu::ShuffleMode::UP:
    src = "(" + lane + " - " + offset + ")";
    break;
  case gpu::ShuffleMode::IDX:
    src = "(" + offset + ")";
    break;
  }
  std::string valid = "(" + src + " >= 0 && " + src + " < " + width + ")";
  std::string ctype = type.isF32()   ? "float"
                      : type.isF64() ? "double"
                      : wide         ? indexType()
                                     : "int";
  std::string result = fresh();
  names[op.getShuffleResult()] = result;

  if (isCL()) {
    // No subgroups assumed: exchange through local memory. Every work-item
    // of the work-group reaches this point (scf.if around shuffles is
    // predicated, see printIf; loops have uniform bounds in the strategies'
    // IR), so the barriers are legal; the first keeps the previous
    // exchange's reads apart from this one's writes. 64-bit values (an
    // argmax's index, f64) have a buffer of their own.
    std::string slot = wide ? "rong_shfl64" : "rong_shfl";
    (wide ? needsWideShuffleScratch : needsShuffleScratch) = true;
    std::string store = value;
    if (type.isInteger(32))
      store = "rong_bits_to_f32((uint)" + value + ")";
    else if (type.isF64())
      store = "as_long(" + value + ")";
    line() << "barrier(CLK_LOCAL_MEM_FENCE);\n";
    line() << slot << "[rong_lid] = " << store << ";\n";
    line() << "barrier(CLK_LOCAL_MEM_FENCE);\n";
    std::string read = slot + "[" + valid + " ? rong_lid - " + lane + " + " +
                       src + " : rong_lid]";
    if (type.isInteger(32))
      read = "(int)rong_f32_to_bits(" + read + ")";
    else if (type.isF64())
      read = "as_double(" + read + ")";
    line() << "const " << ctype << " " << result << " = " << read << ";\n";
  } else {
    StringRef fn;
    switch (op.getMode()) {
    case gpu::ShuffleMode::XOR:
      fn = "__shfl_xor";
      break;
    case gpu::ShuffleMode::DOWN:
      fn = "__shfl_down";
      break;
    case gpu::ShuffleMode::UP:
      fn = "__shfl_up";
      break;
    case gpu::ShuffleMode::IDX:
      fn = "__shfl";
      break;
    }
    line() << "const " << ctype << " " << result << " = " << fn;
    if (!profile.fullWarpMask.empty())
      out << "_sync(" << profile.fullWarpMask << ", ";
    else
      out << "(";
    out << value << ", " << offset << ", " << width << ");\n";
  }
  if (!op.getValid().use_empty()) {
    std::string v = fresh();
    names[op.getValid()] = v;
    line() << "const bool " << v << " = " << valid << ";\n";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Vector ops
//===----------------------------------------------------------------------===//

/// `a kind b` in C, for elements of f64 when `f64`.
static std::string combine(vector::CombiningKind kind, StringRef a,
                           StringRef b, bool cl, bool f64) {
  using K = vector::CombiningKind;
  std::string x = a.str(), y = b.str();
  switch (kind) {
  case K::ADD:
    return "(" + x + " + " + y + ")";
  case K::MUL:
    return "(" + x + " * " + y + ")";
  case K::AND:
    return "(" + x + " & " + y + ")";
  case K::OR:
    return "(" + x + " | " + y + ")";
  case K::XOR:
    return "(" + x + " ^ " + y + ")";
  case K::MAXIMUMF:
    return std::string(f64 ? "rong_maximum_f64(" : "rong_maximumf(") + x +
           ", " + y + ")";
  case K::MINIMUMF:
    return std::string(f64 ? "rong_minimum_f64(" : "rong_minimumf(") + x +
           ", " + y + ")";
  case K::MAXNUMF:
    return std::string(cl || f64 ? "fmax(" : "fmaxf(") + x + ", " + y + ")";
  case K::MINNUMF:
    return std::string(cl || f64 ? "fmin(" : "fminf(") + x + ", " + y + ")";
  case K::MAXSI:
    return "(" + x + " > " + y + " ? " + x + " : " + y + ")";
  case K::MINSI:
    return "(" + x + " < " + y + " ? " + x + " : " + y + ")";
  default:
    return "";
  }
}

LogicalResult KernelPrinter::printReduction(vector::ReductionOp op) {
  auto vec = op.getSourceVectorType();
  bool f64 = vec.getElementType().isF64();
  std::string first = combine(op.getKind(), "a", "b", isCL(), f64);
  if (first.empty() || vec.getRank() != 1)
    return op.emitOpError("reduces with a kind or shape the source backend "
                          "does not print");
  FailureOr<std::string> n =
      declare(op, op.getResult(), elem(op.getVector(), "0"), false);
  if (failed(n))
    return failure();
  if (vec.getNumElements() > 1)
    line() << "for (int l = 1; l < " << vec.getNumElements() << "; ++l) " << *n
           << " = "
           << combine(op.getKind(), *n, elem(op.getVector(), "l"), isCL(), f64)
           << ";\n";
  if (op.getAcc())
    line() << *n << " = "
           << combine(op.getKind(), name(op.getAcc()), *n, isCL(), f64)
           << ";\n";
  return success();
}

LogicalResult KernelPrinter::printConstant(arith::ConstantOp op) {
  Attribute value = op.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    auto vec = dyn_cast<VectorType>(op.getType());
    if (!vec)
      return op.emitOpError("is a non-vector dense constant");
    if (dense.isSplat()) {
      FailureOr<std::string> lit =
          literal(op, dense.getSplatValue<Attribute>(), vec.getElementType());
      if (failed(lit))
        return failure();
      names[op.getResult()] = *lit;
      splats.insert(op.getResult());
      return success();
    }
    FailureOr<std::string> type = scalarType(op, vec);
    if (failed(type))
      return failure();
    std::string init;
    for (Attribute a : dense.getValues<Attribute>()) {
      FailureOr<std::string> lit = literal(op, a, vec.getElementType());
      if (failed(lit))
        return failure();
      init += (init.empty() ? "" : ", ") + *lit;
    }
    std::string n = fresh();
    names[op.getResult()] = n;
    line() << "const " << *type << " " << n << "[" << vec.getNumElements()
           << "] = {" << init << "};\n";
    return success();
  }
  FailureOr<std::string> lit = literal(op, value, op.getType());
  if (failed(lit))
    return failure();
  names[op.getResult()] = *lit;
  return success();
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

LogicalResult KernelPrinter::printOp(Operation *op) {
  auto get = [&](Value v) { return name(v); };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::ConstantOp o) { return printConstant(o); })
      .Case([&](scf::ForOp o) { return printFor(o); })
      .Case([&](scf::IfOp o) { return printIf(o); })
      .Case([&](scf::YieldOp o) -> LogicalResult {
        if (o.getNumOperands() == 0)
          return success();
        assert(!yieldTargets.empty() && "scf.yield outside for/if");
        ArrayRef<std::string> targets = yieldTargets.back();
        StringRef yieldPred = yieldPredicates.back();
        if (!yieldPred.empty()) {
          line() << "if (" << yieldPred << ") {\n";
          ++depth;
        }
        auto close = [&]() {
          if (!yieldPred.empty()) {
            --depth;
            line() << "}\n";
          }
        };
        if (o.getNumOperands() == 1) {
          assign(targets[0], o.getOperand(0));
          close();
          return success();
        }
        // Yielded values may read the variables being assigned (a loop that
        // swaps its carried values): copy to temporaries first.
        SmallVector<std::string> temps;
        for (Value v : o.getOperands()) {
          FailureOr<std::string> type = scalarType(o, v.getType());
          if (failed(type))
            return failure();
          std::string t = fresh();
          if (auto vec = dyn_cast<VectorType>(v.getType()))
            line() << *type << " " << t << "[" << vec.getNumElements() << "];\n";
          else
            line() << *type << " " << t << ";\n";
          assign(t, v);
          temps.push_back(t);
        }
        for (auto [i, target] : llvm::enumerate(targets)) {
          Value v = o.getOperand(i);
          if (auto vec = dyn_cast<VectorType>(v.getType()))
            line() << "for (int l = 0; l < " << vec.getNumElements() << "; ++l) "
                   << target << "[l] = " << temps[i] << "[l];\n";
          else
            line() << target << " = " << temps[i] << ";\n";
        }
        close();
        return success();
      })
      // Memory.
      .Case([&](memref::LoadOp o) -> LogicalResult {
        FailureOr<std::string> idx =
            linearIndex(o, o.getMemRef(), o.getIndices());
        if (failed(idx))
          return failure();
        std::string e = name(o.getMemRef()) + "[" + *idx + "]";
        if (o.getType().isInteger(1))
          e = "(" + e + " != 0)";
        return declare(o, o.getResult(), guardLoad(e));
      })
      .Case([&](memref::StoreOp o) -> LogicalResult {
        FailureOr<std::string> idx =
            linearIndex(o, o.getMemRef(), o.getIndices());
        if (failed(idx))
          return failure();
        std::string v = name(o.getValueToStore());
        if (o.getValueToStore().getType().isInteger(1))
          v = "(" + storageType(o.getValueToStore().getType()) + ")(" + v + ")";
        line() << guardStore() << name(o.getMemRef()) << "[" << *idx
               << "] = " << v << ";\n";
        return success();
      })
      .Case<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp>(
          [&](Operation *o) -> LogicalResult {
            auto type = cast<MemRefType>(o->getResult(0).getType());
            if (!type.getLayout().isIdentity())
              return o->emitOpError("produces ")
                     << type << "; the source backend needs identity layouts";
            // Identity layouts: the same pointer, read with new strides.
            names[o->getResult(0)] = name(o->getOperand(0));
            spaces[o->getResult(0)] = spaces.lookup(o->getOperand(0));
            return success();
          })
      .Case([&](memref::ViewOp o) { return printView(o); })
      .Case([&](vector::LoadOp o) -> LogicalResult {
        FailureOr<std::string> idx = linearIndex(o, o.getBase(), o.getIndices());
        if (failed(idx))
          return failure();
        std::string base = name(o.getBase());
        bool isBool = o.getVectorType().getElementType().isInteger(1);
        return emitLanes(o, o.getResult(), [&](StringRef lane) {
          std::string e = base + "[" + *idx + " + " + lane.str() + "]";
          return guardLoad(isBool ? "(" + e + " != 0)" : e);
        });
      })
      .Case([&](vector::StoreOp o) -> LogicalResult {
        FailureOr<std::string> idx = linearIndex(o, o.getBase(), o.getIndices());
        if (failed(idx))
          return failure();
        auto vec = o.getVectorType();
        if (vec.getRank() != 1)
          return o.emitOpError("stores a vector of rank ")
                 << vec.getRank() << "; the source backend prints 1-D vectors";
        std::string v = elem(o.getValueToStore(), "l");
        if (vec.getElementType().isInteger(1))
          v = "(" + storageType(vec.getElementType()) + ")(" + v + ")";
        line() << guardStore() << "for (int l = 0; l < " << vec.getNumElements()
               << "; ++l) " << name(o.getBase()) << "[" << *idx
               << " + l] = " << v << ";\n";
        return success();
      })
      .Case([&](vector::ReductionOp o) { return printReduction(o); })
      .Case([&](vector::BroadcastOp o) -> LogicalResult {
        Value src = o.getSource();
        if (auto srcVec = dyn_cast<VectorType>(src.getType())) {
          if (srcVec.getNumElements() != 1)
            return o.emitOpError("broadcasts a vector of ")
                   << srcVec.getNumElements()
                   << " elements; the source backend broadcasts scalars";
          names[o.getResult()] = elem(src, "0");
        } else {
          names[o.getResult()] = name(src);
        }
        splats.insert(o.getResult());
        return success();
      })
      .Case([&](vector::ExtractOp o) -> LogicalResult {
        if (o.getSourceVectorType().getRank() != 1 ||
            isa<VectorType>(o.getType()))
          return o.emitOpError("extracts other than a scalar from a 1-D "
                               "vector");
        OpFoldResult pos = o.getMixedPosition()[0];
        std::string lane;
        if (auto attr = dyn_cast<Attribute>(pos))
          lane = std::to_string(cast<IntegerAttr>(attr).getInt());
        else
          lane = name(cast<Value>(pos));
        return declare(o, o.getResult(), elem(o.getSource(), lane));
      })
      .Case([&](vector::InsertOp o) -> LogicalResult {
        if (o.getDestVectorType().getRank() != 1 ||
            isa<VectorType>(o.getValueToStoreType()))
          return o.emitOpError("inserts other than a scalar into a 1-D "
                               "vector");
        OpFoldResult pos = o.getMixedPosition()[0];
        std::string lane;
        if (auto attr = dyn_cast<Attribute>(pos))
          lane = std::to_string(cast<IntegerAttr>(attr).getInt());
        else
          lane = name(cast<Value>(pos));
        Value dest = o.getDest();
        if (failed(emitLanes(o, o.getResult(),
                             [&](StringRef l) { return elem(dest, l); })))
          return failure();
        line() << name(o.getResult()) << "[" << lane
               << "] = " << name(o.getValueToStore()) << ";\n";
        return success();
      })
      .Case([&](vector::FromElementsOp o) -> LogicalResult {
        if (o.getType().getRank() != 1)
          return o.emitOpError("builds a vector of rank other than 1");
        FailureOr<std::string> n = declare(o, o.getResult());
        if (failed(n))
          return failure();
        for (auto [i, v] : llvm::enumerate(o.getElements()))
          line() << *n << "[" << i << "] = " << name(v) << ";\n";
        return success();
      })
      .Case([&](vector::ShapeCastOp o) -> LogicalResult {
        names[o.getResult()] = name(o.getSource());
        if (splats.contains(o.getSource()))
          splats.insert(o.getResult());
        return success();
      })
      .Case([&](vector::FMAOp o) -> LogicalResult {
        std::string fn = isCL() ? "fma" : "fmaf";
        return emitLanes(o, o.getResult(), [&](StringRef l) {
          return fn + "(" + elem(o.getLhs(), l) + ", " + elem(o.getRhs(), l) +
                 ", " + elem(o.getAcc(), l) + ")";
        });
      })
      // GPU.
      .Case([&](gpu::ThreadIdOp o) {
        return declare(o, o.getResult(),
                       threadIndex("thread", o.getDimension()));
      })
      .Case([&](gpu::BlockIdOp o) {
        return declare(o, o.getResult(), threadIndex("block", o.getDimension()));
      })
      .Case([&](gpu::BlockDimOp o) {
        return declare(o, o.getResult(),
                       threadIndex("blockDim", o.getDimension()));
      })
      .Case([&](gpu::GridDimOp o) {
        return declare(o, o.getResult(),
                       threadIndex("gridDim", o.getDimension()));
      })
      .Case([&](gpu::GlobalIdOp o) {
        return declare(o, o.getResult(),
                       threadIndex("global", o.getDimension()));
      })
      .Case([&](gpu::LaneIdOp o) {
        return declare(o, o.getResult(),
                       "((" + indexType() + ")(" + linearThreadId() + " % " +
                           std::to_string(warpSize) + "))");
      })
      .Case([&](gpu::SubgroupSizeOp o) {
        return declare(o, o.getResult(),
                       "((" + indexType() + ")" + std::to_string(warpSize) + ")");
      })
      .Case([&](gpu::BarrierOp o) -> LogicalResult {
        line() << (isCL() ? "barrier(CLK_LOCAL_MEM_FENCE);" : "__syncthreads();")
               << "\n";
        return success();
      })
      .Case([&](gpu::ShuffleOp o) { return printShuffle(o); })
      .Case([&](gpu::DynamicSharedMemoryOp o) -> LogicalResult {
        names[o.getResult()] = "rong_dyn_smem";
        spaces[o.getResult()] = Space::Local;
        return success();
      })
      .Case([&](gpu::ReturnOp) -> LogicalResult {
        line() << "return;\n";
        return success();
      })
      .Default([&](Operation *o) -> LogicalResult {
        bool known = isa<arith::ArithDialect, math::MathDialect>(o->getDialect());
        if (!known || o->getNumResults() != 1)
          return o->emitOpError("is not supported by the ")
                 << profile.name
                 << " source profile (the source backend prints the scf, "
                    "arith, math, memref, vector and gpu ops of Rong's kernel "
                    "IR)";
        Value result = o->getResult(0);
        bool vectorOperands = llvm::any_of(o->getOperandTypes(), [](Type t) {
          return isa<VectorType>(t);
        });
        if (!isa<VectorType>(result.getType()) && !vectorOperands) {
          FailureOr<std::string> e = elementwise(o, get);
          if (failed(e))
            return failure();
          return declare(o, result, *e);
        }
        // Elementwise on vectors: check the op prints before opening a loop.
        FailureOr<std::string> probe =
            elementwise(o, [&](Value v) { return elem(v, "l"); });
        if (failed(probe))
          return failure();
        return emitLanes(o, result, [&](StringRef) { return *probe; });
      });
}

LogicalResult KernelPrinter::print(gpu::GPUFuncOp kernel) {
  auto block = kernel->getAttrOfType<DenseI64ArrayAttr>("rong.block");
  if (!block || block.size() != 3)
    return kernel.emitOpError("has no rong.block = array<i64: x, y, z>; the "
                              "source backend needs static launch sizes");
  blockThreads = block[0] * block[1] * block[2];
  auto argNames = kernel->getAttrOfType<ArrayAttr>("rong.args");

  // Signature.
  std::string params;
  // The body block's first arguments are the kernel's; attributions follow.
  ArrayRef<BlockArgument> kernelArgs =
      kernel.getArguments().take_front(kernel.getNumArguments());
  for (auto [i, arg] : llvm::enumerate(kernelArgs)) {
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type)
      return kernel.emitOpError("has argument ")
             << i << " of type " << arg.getType()
             << "; kernels take buffers (memrefs) only";
    if (failed(scalarType(kernel, type.getElementType())))
      return failure();
    std::string n = "arg" + std::to_string(i);
    if (argNames && i < argNames.size())
      if (auto s = dyn_cast<StringAttr>(argNames[i]))
        if (!s.getValue().empty() &&
            llvm::all_of(s.getValue(), [](char c) {
              return llvm::isAlnum(c) || c == '_';
            }) && !llvm::isDigit(s.getValue()[0]))
          n = s.getValue().str();
    names[arg] = n;
    spaces[arg] = Space::Global;
    params += (params.empty() ? "" : ", ") + qualifier(Space::Global) +
              storageType(type.getElementType()) + " *" + n;
  }
  bool dynamicShared = false;
  kernel.walk([&](gpu::DynamicSharedMemoryOp) { dynamicShared = true; });
  if (dynamicShared && isCL())
    params += ", __local uchar *rong_dyn_smem";

  // Body first, into a buffer: what the prologue declares depends on it.
  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  // Workgroup and private attributions become arrays in the kernel.
  std::string prologue;
  llvm::raw_string_ostream pro(prologue);
  auto attribution = [&](BlockArgument arg, Space space,
                         StringRef prefix) -> LogicalResult {
    auto type = cast<MemRefType>(arg.getType());
    if (!type.hasStaticShape() || !type.getLayout().isIdentity())
      return kernel.emitOpError("has an attribution of type ")
             << type << "; the source backend needs static shapes";
    if (failed(scalarType(kernel, type.getElementType())))
      return failure();
    std::string n = prefix.str() + std::to_string(arg.getArgNumber());
    names[arg] = n;
    spaces[arg] = space;
    std::string q = space == Space::Local ? (isCL() ? "__local " : "__shared__ ")
                                          : "";
    pro << "  " << q << storageType(type.getElementType()) << " " << n << "["
        << type.getNumElements() << "];\n";
    return success();
  };
  for (BlockArgument arg : kernel.getWorkgroupAttributions())
    if (failed(attribution(arg, Space::Local, "rong_wg")))
      return failure();
  for (BlockArgument arg : kernel.getPrivateAttributions())
    if (failed(attribution(arg, Space::Private, "rong_priv")))
      return failure();
  if (dynamicShared && !isCL())
    pro << "  extern __shared__ __attribute__((aligned(16))) unsigned char "
           "rong_dyn_smem[];\n";

  // Print the body into a string with this printer's state.
  KernelPrinter bodyPrinter(profile, warpSize, bodyStream);
  bodyPrinter.names = names;
  bodyPrinter.spaces = spaces;
  bodyPrinter.blockThreads = blockThreads;
  if (failed(bodyPrinter.printRegion(kernel.getBody())))
    return failure();

  if (isCL()) {
    out << "__kernel __attribute__((reqd_work_group_size(" << block[0] << ", "
        << block[1] << ", " << block[2] << ")))\nvoid " << kernel.getName()
        << "(" << params << ") {\n";
    if (bodyPrinter.needsShuffleScratch)
      out << "  __local float rong_shfl[" << blockThreads << "];\n";
    if (bodyPrinter.needsWideShuffleScratch)
      out << "  __local long rong_shfl64[" << blockThreads << "];\n";
    out << "  const int rong_lid = (int)(get_local_id(0) + get_local_size(0) "
           "* (get_local_id(1) + get_local_size(1) * get_local_id(2)));\n";
  } else {
    out << "extern \"C\" __global__ void __launch_bounds__(" << blockThreads
        << ")\n" << kernel.getName() << "(" << params << ") {\n";
  }
  out << prologue << body << "}\n";
  return success();
}

LogicalResult mlir::rong::source::printKernel(gpu::GPUFuncOp kernel,
                                              const SourceProfile &profile,
                                              unsigned warpSize,
                                              raw_ostream &os) {
  return KernelPrinter(profile, warpSize, os).print(kernel);
}
