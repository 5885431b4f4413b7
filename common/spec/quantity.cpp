#include "common/spec/quantity.hpp"

#include "common/spec/diagnostics.hpp"

#include <array>
#include <numeric>
#include <string>

namespace berth::spec {
namespace {

// value = mantissa · numerator / denominator, kept as integers so the conversion is exact.
struct Scale {
  std::int64_t numerator = 1;
  std::int64_t denominator = 1;
};

struct Suffix {
  std::string_view text;
  std::int64_t numerator;
  std::int64_t denominator;
};

constexpr std::int64_t kKilo = 1000;
constexpr std::int64_t kKibi = 1024;

constexpr std::int64_t power(std::int64_t base, int exponent) {
  std::int64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= base;
  return value;
}

constexpr std::array<Suffix, 14> kSuffixes = {{
    {"", 1, 1},
    {"m", 1, kKilo},
    {"k", power(kKilo, 1), 1},
    {"K", power(kKilo, 1), 1},
    {"M", power(kKilo, 2), 1},
    {"G", power(kKilo, 3), 1},
    {"T", power(kKilo, 4), 1},
    {"P", power(kKilo, 5), 1},
    {"E", power(kKilo, 6), 1},
    {"Ki", power(kKibi, 1), 1},
    {"Mi", power(kKibi, 2), 1},
    {"Gi", power(kKibi, 3), 1},
    {"Ti", power(kKibi, 4), 1},
    {"Pi", power(kKibi, 5), 1},
}};
// Ei (2^60) is left out on purpose: 8Ei already overflows int64 and no real node has it.

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Error fail(std::string reason) { return Error{ErrorCode::invalid_spec, std::move(reason)}; }

const char* unit_name(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::cpu: return "millicore";
    case QuantityKind::bytes: return "byte";
    case QuantityKind::gpu: return "milli-GPU";
    case QuantityKind::count: return "unit";
  }
  return "unit";
}

}  // namespace

QuantityKind quantity_kind_for(std::string_view resource) {
  if (resource == "cpu") return QuantityKind::cpu;
  if (resource == "memory") return QuantityKind::bytes;
  if (resource == "gpu" || resource.ends_with("/gpu")) return QuantityKind::gpu;
  return QuantityKind::count;
}

Result<std::int64_t> parse_quantity(std::string_view text, QuantityKind kind) {
  if (text.empty()) return fail("empty");
  std::size_t pos = 0;
  if (text[pos] == '-') return fail("negative");
  if (text[pos] == '+') ++pos;

  // Digits before and after the point form one integer mantissa; `decimals` counts the
  // digits after the point. Trailing zeros of the fraction are dropped first so that
  // "1.50000000000000000000" does not overflow for nothing.
  std::string_view integer_part;
  std::string_view fraction_part;
  const std::size_t integer_begin = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  integer_part = text.substr(integer_begin, pos - integer_begin);
  bool has_point = false;
  if (pos < text.size() && text[pos] == '.') {
    has_point = true;
    ++pos;
    const std::size_t fraction_begin = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    fraction_part = text.substr(fraction_begin, pos - fraction_begin);
  }
  if (integer_part.empty() && fraction_part.empty())
    return fail(has_point ? "no digits" : "not a number (expected digits and an optional suffix such as 500m, 2, 512Mi, 1G)");
  while (!fraction_part.empty() && fraction_part.back() == '0') fraction_part.remove_suffix(1);

  const std::string_view suffix_text = text.substr(pos);
  const Suffix* suffix = nullptr;
  for (const Suffix& candidate : kSuffixes)
    if (candidate.text == suffix_text) suffix = &candidate;
  if (suffix == nullptr)
    return fail("unknown suffix '" + printable(suffix_text, 20) +
                "' (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti or Pi)");

  if (fraction_part.size() > 18) return fail("too many decimals");
  std::int64_t mantissa = 0;
  for (const std::string_view digits : {integer_part, fraction_part}) {
    for (const char c : digits) {
      if (__builtin_mul_overflow(mantissa, std::int64_t{10}, &mantissa) ||
          __builtin_add_overflow(mantissa, std::int64_t{c - '0'}, &mantissa))
        return fail("too large");
    }
  }
  Scale scale{suffix->numerator, 1};
  if (fraction_part.size() > 18 ||
      __builtin_mul_overflow(suffix->denominator, power(10, static_cast<int>(fraction_part.size())),
                             &scale.denominator))
    return fail("too many decimals");
  if (kind == QuantityKind::cpu || kind == QuantityKind::gpu) {
    // Millicores or milli-GPUs: "1" is 1000m. Cancel against the denominator first so "500m" stays exact.
    if (scale.denominator % kKilo == 0) {
      scale.denominator /= kKilo;
    } else if (__builtin_mul_overflow(scale.numerator, kKilo, &scale.numerator)) {
      return fail("too large");
    }
  }

  // Reduce mantissa · numerator / denominator; a whole result needs the denominator to
  // cancel completely.
  const std::int64_t g1 = std::gcd(mantissa, scale.denominator);
  if (g1 > 1) {
    mantissa /= g1;
    scale.denominator /= g1;
  }
  const std::int64_t g2 = std::gcd(scale.numerator, scale.denominator);
  if (g2 > 1) {
    scale.numerator /= g2;
    scale.denominator /= g2;
  }
  if (scale.denominator != 1)
    return fail(kind == QuantityKind::cpu || kind == QuantityKind::gpu ? std::string("finer than 1m")
                                          : std::string("not a whole number of ") + unit_name(kind) + "s");
  std::int64_t value = 0;
  if (__builtin_mul_overflow(mantissa, scale.numerator, &value)) return fail("too large");
  return value;
}

}  // namespace berth::spec
