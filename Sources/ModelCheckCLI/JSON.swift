/// A small JSON value and its rendering (no Foundation encoder: key order is kept as written).
indirect enum JSON: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    static func == (a: JSON, b: JSON) -> Bool { a.rendered == b.rendered }

    /// Integers that may exceed 2^53 (addresses, lengths) are written as hex strings (`SPEC.md` §3).
    static func address(_ v: UInt64) -> JSON { .string("0x" + String(v, radix: 16)) }

    var rendered: String {
        switch self {
        case .string(let s): return JSON.quote(s)
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(format3: d) : "0"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a): return "[" + a.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.map { JSON.quote($0.0) + ": " + $0.1.rendered }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

extension String {
    /// A double with up to three decimals, as JSON writes numbers.
    init(format3 d: Double) {
        let scaled = (d * 1000).rounded() / 1000
        self = scaled == scaled.rounded() && abs(scaled) < 1e15 ? String(Int64(scaled)) + ".0" : String(scaled)
    }
}
