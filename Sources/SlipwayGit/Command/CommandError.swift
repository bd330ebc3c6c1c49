import SlipwayPOSIX

/// A command that could not be run at all (as opposed to one that ran and failed).
struct CommandError: Error, CustomStringConvertible {
    var description: String

    init(_ error: SpawnError) {
        description = error.description
    }
}
