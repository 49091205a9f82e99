/// A whitespace-separated word of a line, with its 1-based column. A `"…"` string is one word
/// (its text unescaped, `\"` and `\\` being the only escapes); `#` outside a string ends the line.
public struct Word: Hashable, Sendable {
    public var text: Substring
    public var column: Int
    /// Whether the word was a quoted string (`text` is then its contents).
    public var isString: Bool
}

/// A lexical error: where on the line, and why.
public struct LexError: Error, Hashable, Sendable {
    public var column: Int
    public var message: String
}

/// Splits the lines of a file into words, for the line-oriented input formats.
public enum LineScanner {
    /// The words of `line`, or the column and message of a lexical error (an unterminated string,
    /// a bad escape, a control character).
    public static func words(of line: Substring) -> Result<[Word], LexError> {
        var words: [Word] = []
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "#" { break }
            if c.asciiValue.map({ $0 < 0x20 || $0 == 0x7f }) == true {
                return .failure(LexError(column: i + 1, message: "unexpected control character"))
            }
            let start = i
            if c == "\"" {
                var text = ""
                i += 1
                var closed = false
                while i < chars.count {
                    let d = chars[i]
                    if d == "\\" {
                        guard i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" else {
                            return .failure(LexError(column: i + 1, message: "unknown escape in string; only \\\" and \\\\ are allowed"))
                        }
                        text.append(chars[i + 1])
                        i += 2
                        continue
                    }
                    if d == "\"" { closed = true; i += 1; break }
                    text.append(d)
                    i += 1
                }
                guard closed else { return .failure(LexError(column: start + 1, message: "unterminated string")) }
                words.append(Word(text: Substring(text), column: start + 1, isString: true))
                continue
            }
            while i < chars.count, !" \t\r#\"".contains(chars[i]) { i += 1 }
            words.append(Word(text: Substring(String(chars[start..<i])), column: start + 1, isString: false))
        }
        return .success(words)
    }
}
