import Foundation

/// A trace file (`check --trace-out`, or `check --format json`) as `replay` reads it: only the
/// members replay needs, decoded by `JSONDecoder`, so that a value of the wrong type is an error
/// at its JSON path rather than a silent default.
struct TraceFile: Decodable {
    var model: String?
    var proposal: String?
    var violation: ViolationRecord?
    var witnesses: [String: [TraceStep]]?

    struct ViolationRecord: Decodable {
        var invariant: String?
        var trace: [TraceStep]
    }
}

/// One step: the operation's name, its fields as `check` wrote them, and the recorded result.
struct TraceStep: Decodable {
    var op: String
    var args: [String: TraceValue]?
    var result: String
}

/// A field value in a trace: a number (JSON integers only — no booleans, no fractions), a string
/// (a number as the language writes it, constant names, or a name), or a list of those.
enum TraceValue: Decodable, Equatable {
    case number(UInt64)
    case negative(Int64)
    case text(String)
    case list([TraceValue])

    init(from decoder: any Decoder) throws {
        if var items = try? decoder.unkeyedContainer() {
            var out: [TraceValue] = []
            while !items.isAtEnd { out.append(try items.decode(TraceValue.self)) }
            self = .list(out)
            return
        }
        let c = try decoder.singleValueContainer()
        if (try? c.decode(Bool.self)) != nil {
            throw DecodingError.typeMismatch(UInt64.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a number, found a boolean"))
        }
        if let n = try? c.decode(UInt64.self) { self = .number(n); return }
        if let n = try? c.decode(Int64.self) { self = .negative(n); return }
        if let s = try? c.decode(String.self) { self = .text(s); return }
        throw DecodingError.typeMismatch(UInt64.self, .init(codingPath: decoder.codingPath,
                                                            debugDescription: "expected an integer below 2^64, a string or a list"))
    }
}

/// A JSON path as `replay` reports it: `violation.trace[3].args.ioas_id`.
struct JSONPath: CustomStringConvertible {
    enum Component { case key(String), index(Int) }
    var components: [Component] = []

    init(_ components: [Component] = []) { self.components = components }

    init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in key.intValue.map { .index($0) } ?? .key(key.stringValue) }
    }

    func appending(_ c: Component) -> JSONPath { JSONPath(components + [c]) }
    static func + (p: JSONPath, key: String) -> JSONPath { p.appending(.key(key)) }
    static func + (p: JSONPath, index: Int) -> JSONPath { p.appending(.index(index)) }

    var description: String {
        var out = ""
        for c in components {
            switch c {
            case .key(let k): out += out.isEmpty ? k : "." + k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out.isEmpty ? "(top level)" : out
    }
}
