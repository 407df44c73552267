/** Help of `messenger-webhook dead-letters`. */
export const DEAD_LETTERS_HELP = `Usage: messenger-webhook dead-letters <list | show ID | replay ID | drop ID> --redis URL [options]

Reads and acts on the dead letters of queue mode: events whose handlers still failed after every attempt.
  list        newest first: id, when, type, page, attempts, conversation state, last error
  show ID     one dead letter with the event as Meta sent it
  replay ID   run it again, next in its conversation, with fresh attempts (after fixing the handler)
  drop ID     delete it (a conversation it blocked goes on)

Options:
  --redis URL      the queue's Redis, redis://[:password@]host:port[/db] (or MESSENGER_REDIS_URL)
  --prefix PREFIX  queue.prefix of the app (default mw)
  --name NAME      queue.name of the app (default messenger)
  --limit N        how many to list (default 50)
  --json           print JSON instead of text
  -h, --help       show this help`;
