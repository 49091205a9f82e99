/// Where a JSON path's value starts in a JSON text (line and column, from 1), so that `replay`
/// can point at the bad value as a compiler would. A small scanner over the bytes: the text was
/// already parsed once, so it only needs to skip values, not to check them; on malformed input
/// it returns where it stopped.
struct JSONLocator {
    let bytes: [UInt8]
    var i = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    /// The (line, column) of the value at `path`, or of the deepest part of it that exists.
    static func locate(_ path: JSONPath, in text: String) -> (line: Int, column: Int) {
        var scanner = JSONLocator(text)
        scanner.skipSpace()
        for component in path.components {
            guard scanner.enter(component) else { break }
        }
        return scanner.position(of: scanner.i)
    }

    /// Whether the text ends inside its top-level value (a truncated file), and where it ends.
    static func truncation(of text: String) -> (line: Int, column: Int)? {
        var scanner = JSONLocator(text)
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{") || scanner.peek == UInt8(ascii: "[") else { return nil }
        return scanner.skipValue() ? nil : scanner.position(of: scanner.bytes.count)
    }

    /// The (line, column) of the byte `offset`.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for b in bytes[..<min(offset, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    /// Moves to the value of `component` inside the value here; false when it is not there.
    mutating func enter(_ component: JSONPath.Component) -> Bool {
        let start = i
        switch component {
        case .key(let key):
            guard peek == UInt8(ascii: "{") else { return false }
            i += 1
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { i = start; return false }
                let name = string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { i = start; return false }
                i += 1
                skipSpace()
                if name == key { return true }
                skipValue()
                skipSpace()
                guard peek == UInt8(ascii: ",") else { i = start; return false }
                i += 1
            }
        case .index(let n):
            guard peek == UInt8(ascii: "[") else { return false }
            i += 1
            var k = 0
            while true {
                skipSpace()
                if peek == UInt8(ascii: "]") || peek == nil { i = start; return false }
                if k == n { return true }
                skipValue()
                skipSpace()
                guard peek == UInt8(ascii: ",") else { i = start; return false }
                i += 1
                k += 1
            }
        }
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    mutating func skipSpace() {
        while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
    }

    /// A string's contents (escapes kept as written: keys in traces need none).
    mutating func string() -> String {
        i += 1
        let start = i
        while let b = peek, b != UInt8(ascii: "\"") { i += b == UInt8(ascii: "\\") ? 2 : 1 }
        let s = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self)
        i += 1
        return s
    }

    /// Skips the value here; false when the text ends inside an object or array.
    @discardableResult
    mutating func skipValue() -> Bool {
        guard let b = peek else { return true }
        switch b {
        case UInt8(ascii: "\""): _ = string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while let c = peek {
                if c == UInt8(ascii: "\"") { _ = string(); continue }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
                i += 1
                if depth == 0 { return true }
            }
            return false
        default:
            while let c = peek, !(c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]")) { i += 1 }
        }
        return true
    }
}
