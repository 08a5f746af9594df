package bot

import (
	"testing"

	"servicebot/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
