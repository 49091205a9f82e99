/// What a leaf allows, as `IOMMU_READ` / `IOMMU_WRITE` / `IOMMU_CACHE` in `include/linux/iommu.h`.
public struct Permissions: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = Permissions(rawValue: 1)
    public static let write = Permissions(rawValue: 2)
    /// IOMMU_CACHE: the mapping is cache-coherent (snooped).
    public static let cache = Permissions(rawValue: 4)
    public static let readWrite: Permissions = [.read, .write]

    /// `r`, `w`, `rw`, with `c` appended for IOMMU_CACHE; `-` for none.
    public var description: String {
        var s = ""
        if contains(.read) { s += "r" }
        if contains(.write) { s += "w" }
        if contains(.cache) { s += "c" }
        return s.isEmpty ? "-" : s
    }

    /// Parses `r`, `w`, `rw`, `rwc`, … (the letters in any order, each once).
    public init?(letters: String) {
        var p: Permissions = []
        for ch in letters {
            let bit: Permissions
            switch ch {
            case "r": bit = .read
            case "w": bit = .write
            case "c": bit = .cache
            default: return nil
            }
            if p.contains(bit) { return nil }
            p.insert(bit)
        }
        self = p
    }

    /// Whether `access` is allowed.
    @inlinable public func allows(_ access: Access) -> Bool {
        switch access {
        case .read: return contains(.read)
        case .write: return contains(.write)
        }
    }
}

/// A DMA access that a walk checks permissions for.
public enum Access: String, Hashable, Sendable, CaseIterable {
    case read, write
}

/// Which stage of translation a table serves; decides whether write-only is expressible
/// (`PageTableFormat.expressesWriteOnly(at:)`).
public enum TranslationStage: Int, Hashable, Sendable, CustomStringConvertible {
    case stage1 = 1
    case stage2 = 2
    public var description: String { "stage \(rawValue)" }
}
