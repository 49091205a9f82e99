import Foundation

/// A path in the temporary directory for a test's input or output, unique per call.
enum TemporaryFile {
    static func path(_ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mc-\(UUID().uuidString).\(ext)").path
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func write(_ text: String, _ ext: String) throws -> String {
        let path = path(ext)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
