import ArgumentParser

/// Options every client verb takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Path to slipway.yml (default: found in the current directory or its parents).")
    public var config: String?

    @Flag(name: .long, help: "Print machine-readable JSON (stable field names, see docs/API.md).")
    public var json = false

    public init() {}
}
