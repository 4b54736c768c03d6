/* match.h (private to engine/script): string.find, string.match, string.gmatch and
 * string.gsub for the sandbox. They follow the Lua 5.4 Reference Manual (§6.4, §6.4.1), so
 * scripts get the results Lua's own library gives, but they are metered: every step of a
 * match (a piece tried, a character scanned by a repetition, a %b or plain search, the
 * bytes a back-reference compares) is charged to the running call's instruction budget
 * through dvk_sandbox_charge, which also checks the deadline and the interrupt flag. A
 * pattern that backtracks exponentially (s:find(("a?"):rep(40) .. s)) or cubically
 * (("a"):rep(30000):find("(.-)%1b")) stops with the budget's error instead of running in C
 * where the count hook cannot see it. Character classes (%a, %d, %s, ...) are the C
 * locale's (ASCII), whatever locale the host set, so results do not depend on it.
 * Used by sandbox.c's allow list only. */
#ifndef DVK_SCRIPT_MATCH_H
#define DVK_SCRIPT_MATCH_H

#include <lua.h>

int dvk_match_find(lua_State *L);
int dvk_match_match(lua_State *L);
int dvk_match_gmatch(lua_State *L);
int dvk_match_gsub(lua_State *L);

#endif
