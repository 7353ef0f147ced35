package models

import "gorm.io/gorm"

// RollbackTo rolls the schema back to migration id, for the migration tests
// of package models_test (which may use modelstest).
func RollbackTo(db *gorm.DB, id string) error { return newMigrator(db).RollbackTo(id) }
