/// One file, directory or symbolic link of a build context, as it goes into the tar stream.
struct ContextEntry: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case file(size: Int64)
        case directory
        case symlink(target: String)
    }

    /// Relative to the context's root, `/`-separated, no leading `./`.
    let path: String
    let kind: Kind
    /// Permission bits (`0o755`): an executable stays executable in the image.
    let mode: UInt32
    /// Seconds since the epoch.
    let modified: Int64
}
