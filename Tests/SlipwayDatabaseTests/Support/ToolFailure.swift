/// psql or python3 failed while a test looked into a database; `message` is the tool's stderr.
struct ToolFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
