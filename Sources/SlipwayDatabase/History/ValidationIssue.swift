/// One reason `validate` (and `migrate` before it runs anything) refuses the migrations, naming the file.
package struct ValidationIssue: Error, Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable {
        /// A `.sql` file whose name is not `V<version>__<description>.sql` or `R__<description>.sql`.
        case invalidName = "invalid_name"
        case duplicateVersion = "duplicate_version"
        case duplicateRepeatable = "duplicate_repeatable"
        /// An applied migration whose file changed since (checksum).
        case changed
        /// An applied migration whose file is gone.
        case missing
        /// A pending version lower than the highest applied one, and `out_of_order` is off.
        case outOfOrder = "out_of_order"
        /// A migration recorded as failed (it ran outside a transaction and stopped half way).
        case failed
        /// A PostgreSQL migration mixing statements that must run outside a transaction with ones inside.
        case mixedTransaction = "mixed_transaction"
        /// BEGIN, COMMIT, ROLLBACK...: Slipway owns each migration's transaction.
        case transactionControl = "transaction_control"
        /// The file cannot be split into statements (an unterminated quote, comment or dollar string).
        case unparsable
    }

    package var kind: Kind
    /// The file (relative to the migrations directory) or the history's script name it is about.
    package var script: String
    package var message: String

    package init(_ kind: Kind, script: String, _ message: String) {
        self.kind = kind
        self.script = script
        self.message = message
    }
}
