// Command recert runs the Recert API. See internal/app for what it does.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/recert-dev/recert/internal/app"
)

func main() {
	if err := app.Run(context.Background(), os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "recert:", err)
		os.Exit(1)
	}
}
