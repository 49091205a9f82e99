import Foundation

/// Reading the files a command was given.
enum InputFiles {
    /// The text of `path`, or a usage error naming why it cannot be read.
    static func read(_ path: String) throws(UsageError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UsageError(message: "cannot read '\(path)': no such file")
        }
        guard !isDirectory.boolValue else { throw UsageError(message: "cannot read '\(path)': it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError(message: "cannot read '\(path)': permission denied or I/O error")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError(message: "cannot read '\(path)': not valid UTF-8")
        }
        return text
    }

    /// `paths` with each directory replaced by its files ending in `.extension`, sorted.
    static func expand(_ paths: [String], extension ext: String) throws(UsageError) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UsageError(message: "cannot read '\(path)': no such file or directory")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let hits = names.filter { $0.hasSuffix("." + ext) }.sorted()
                guard !hits.isEmpty else { throw UsageError(message: "no .\(ext) files in '\(path)'") }
                out += hits.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            } else {
                out.append(path)
            }
        }
        return out
    }
}
