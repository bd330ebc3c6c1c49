/// The schema and rows most scenarios start from, in SQL both engines take.
enum SampleSQL {
    static let createPerson = "CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n"
    static let addPeople = "INSERT INTO person (id, name) VALUES (1, 'Ada');\nINSERT INTO person (id, name) VALUES (2, 'Grace');\n"
}
