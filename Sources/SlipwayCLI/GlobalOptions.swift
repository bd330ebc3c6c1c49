import ArgumentParser

/// Options every client verb takes.
package struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Path to slipway.yml (default: found in the current directory or its parents).")
    package var config: String?

    @Flag(name: .long, help: "Print machine-readable JSON (stable field names, see docs/API.md).")
    package var json = false

    package init() {}
}
