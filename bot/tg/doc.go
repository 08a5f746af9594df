// Package tg is the Bot API edge: the HTTP client under go-telegram/bot,
// inline keyboards and callback data, commands as Telegram marks them, and
// message entities to the HTML the bot sends. It knows nothing of
// citizens, tickets or the database.
package tg
