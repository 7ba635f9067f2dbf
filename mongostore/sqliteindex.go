package mongostore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", the same engine FerretDB uses
)

// idExpr is the expression FerretDB's SQLite backend writes for a filter on
// _id. Its own unique index is on _ferretdb_sjson->"_id", which SQLite does not
// consider equal, so lookups by _id scan the table. An index on exactly this
// expression makes them index seeks (see DESIGN.md §3, Storage).
const idExpr = `_ferretdb_sjson->'$._id'`

// sqliteFile is the file FerretDB keeps for one database.
func sqliteFile(dir, db string) string { return filepath.Join(dir, db+".sqlite") }

// ensureIDIndexes adds the _id expression index to the table of every
// collection of the database. It is idempotent and cheap when done.
func ensureIDIndexes(ctx context.Context, dir, db string) error {
	path := sqliteFile(dir, db)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite file of database %q: %w", db, err)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return fmt.Errorf("list collection tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("scan table name: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list collection tables: %w", err)
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, t+"_agencyhall_id", t, idExpr)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create _id index on %s: %w", t, err)
		}
	}
	return nil
}

// ExplainIDLookup returns SQLite's query plan for the statement FerretDB
// runs to find one document of coll by _id. Tests use it to prove the index
// is used.
func ExplainIDLookup(ctx context.Context, dir, db, coll string) (string, error) {
	conn, err := sql.Open("sqlite", "file:"+sqliteFile(dir, db)+"?mode=ro")
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var table string
	if err := conn.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table); err != nil {
		return "", fmt.Errorf("table of %s: %w", coll, err)
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE %s = ?`, table, idExpr), `"x"`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan += detail + "\n"
	}
	return plan, rows.Err()
}
