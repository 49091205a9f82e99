/// A Linux errno, spelt as the kernel spells it, carrying the raw value of
/// `include/uapi/asm-generic/errno-base.h` / `errno.h` so that traces and JSON can carry both.
public struct Errno: RawRepresentable, Hashable, Sendable, Error, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The corresponding C error is `EPERM`.
    public static let EPERM = Errno(rawValue: 1)
    /// The corresponding C error is `ENOENT`.
    public static let ENOENT = Errno(rawValue: 2)
    /// The corresponding C error is `ESRCH`.
    public static let ESRCH = Errno(rawValue: 3)
    /// The corresponding C error is `EIO`.
    public static let EIO = Errno(rawValue: 5)
    /// The corresponding C error is `ENXIO`.
    public static let ENXIO = Errno(rawValue: 6)
    /// The corresponding C error is `E2BIG`.
    public static let E2BIG = Errno(rawValue: 7)
    /// The corresponding C error is `EBADF`.
    public static let EBADF = Errno(rawValue: 9)
    /// The corresponding C error is `EAGAIN`.
    public static let EAGAIN = Errno(rawValue: 11)
    /// The corresponding C error is `ENOMEM`.
    public static let ENOMEM = Errno(rawValue: 12)
    /// The corresponding C error is `EACCES`.
    public static let EACCES = Errno(rawValue: 13)
    /// The corresponding C error is `EFAULT`.
    public static let EFAULT = Errno(rawValue: 14)
    /// The corresponding C error is `EBUSY`.
    public static let EBUSY = Errno(rawValue: 16)
    /// The corresponding C error is `EEXIST`.
    public static let EEXIST = Errno(rawValue: 17)
    /// The corresponding C error is `ENODEV`.
    public static let ENODEV = Errno(rawValue: 19)
    /// The corresponding C error is `EINVAL`.
    public static let EINVAL = Errno(rawValue: 22)
    /// The corresponding C error is `ENOTTY`.
    public static let ENOTTY = Errno(rawValue: 25)
    /// The corresponding C error is `ENOSPC`.
    public static let ENOSPC = Errno(rawValue: 28)
    /// The corresponding C error is `ERANGE`.
    public static let ERANGE = Errno(rawValue: 34)
    /// The corresponding C error is `EDEADLOCK` (`EDEADLK`): an unmap whose accesses never let
    /// go of their pins (`iopt_unmap_iova_range`).
    public static let EDEADLOCK = Errno(rawValue: 35)
    /// The corresponding C error is `EBADE`: the selftest's pages are not the user's.
    public static let EBADE = Errno(rawValue: 52)
    /// The corresponding C error is `EMSGSIZE`.
    public static let EMSGSIZE = Errno(rawValue: 90)
    /// The corresponding C error is `EOPNOTSUPP`.
    public static let EOPNOTSUPP = Errno(rawValue: 95)
    /// The corresponding C error is `EADDRINUSE`.
    public static let EADDRINUSE = Errno(rawValue: 98)
    /// The corresponding C error is `EOVERFLOW`.
    public static let EOVERFLOW = Errno(rawValue: 75)
    /// The corresponding C error is `EBADFD` (a file descriptor in a bad state: an open file of
    /// the wrong kind, to `iommufd_ctx_from_fd`).
    public static let EBADFD = Errno(rawValue: 77)
    /// The corresponding C error is `ETIMEDOUT`.
    public static let ETIMEDOUT = Errno(rawValue: 110)

    /// Every errno the model can produce, in raw-value order; the parser accepts exactly these names.
    public static let known: [(name: String, errno: Errno)] = [
        ("EPERM", .EPERM), ("ENOENT", .ENOENT), ("ESRCH", .ESRCH), ("EIO", .EIO), ("ENXIO", .ENXIO),
        ("E2BIG", .E2BIG), ("EBADF", .EBADF), ("EAGAIN", .EAGAIN), ("ENOMEM", .ENOMEM),
        ("EACCES", .EACCES), ("EFAULT", .EFAULT), ("EBUSY", .EBUSY), ("EEXIST", .EEXIST),
        ("ENODEV", .ENODEV), ("EINVAL", .EINVAL), ("ENOTTY", .ENOTTY), ("ENOSPC", .ENOSPC),
        ("ERANGE", .ERANGE), ("EDEADLOCK", .EDEADLOCK), ("EBADE", .EBADE), ("EOVERFLOW", .EOVERFLOW), ("EBADFD", .EBADFD), ("EMSGSIZE", .EMSGSIZE),
        ("EOPNOTSUPP", .EOPNOTSUPP), ("EADDRINUSE", .EADDRINUSE), ("ETIMEDOUT", .ETIMEDOUT),
    ]

    /// The errno spelt `name` (`"EINVAL"`), or nil when the model does not know it.
    public init?(name: String) {
        guard let hit = Errno.known.first(where: { $0.name == name }) else { return nil }
        self = hit.errno
    }

    /// The kernel's spelling, or `E?<n>` for a value outside `known`.
    public var name: String {
        Errno.known.first(where: { $0.errno == self })?.name ?? "E?\(rawValue)"
    }

    public var description: String { name }
}
