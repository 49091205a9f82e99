/// Numbers as the model language writes them (`SPEC.md` §2): decimal, `0x` hex, a binary size
/// suffix `K`/`M`/`G` (4K = 4096), or the constants `U64_MAX`, `ULONG_MAX`, `U32_MAX`.
public enum NumberLiteral {
    /// Why a token is not a number.
    public enum Failure: Error, Hashable, Sendable {
        case notANumber
        case outOfRange
    }

    /// The named constants.
    public static let constants: [String: UInt64] = [
        "U64_MAX": .max, "ULONG_MAX": .max, "U32_MAX": UInt64(UInt32.max),
    ]

    /// Parses an unsigned number; `outOfRange` when it does not fit in 64 bits.
    public static func parse(_ text: Substring) -> Result<UInt64, Failure> {
        if let constant = constants[String(text)] { return .success(constant) }
        var digits = text
        var shift: UInt64 = 0
        if let last = digits.last, let s = ["K": 10, "M": 20, "G": 30][last] {
            shift = UInt64(s)
            digits = digits.dropLast()
        }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit && (radix == 16 || $0.isNumber) }) else {
            return .failure(.notANumber)
        }
        guard let value = UInt64(digits, radix: radix) else { return .failure(.outOfRange) }
        guard shift == 0 || value <= UInt64.max >> shift else { return .failure(.outOfRange) }
        return .success(value << shift)
    }

    /// Parses a number that may carry a leading `-` (signed fields such as `iommufd=-1`).
    public static func parseSigned(_ text: Substring) -> Result<Int64, Failure> {
        let negative = text.hasPrefix("-")
        switch parse(negative ? text.dropFirst() : text) {
        case .failure(let f): return .failure(f)
        case .success(let magnitude):
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return .failure(.outOfRange) }
                return .success(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            guard magnitude <= UInt64(Int64.max) else { return .failure(.outOfRange) }
            return .success(Int64(magnitude))
        }
    }
}
