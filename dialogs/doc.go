// Package dialogs is servicebot's domain: what a conversation means, with no
// Telegram and no SQL in it. Everything here can be tested with neither a
// database nor a network.
package dialogs
