/*
 * counter_window's window class and control ids: what a program that
 * drives the window from outside (the tests) looks for.
 */
#ifndef SC_COUNTER_WINDOW_H
#define SC_COUNTER_WINDOW_H

#define SC_WINDOW_CLASS L"SharedCounterWindow"

enum {
    SC_WINDOW_VALUE = 100, /* the value, large: its text is the number */
    SC_WINDOW_STATUS,      /* what the last action did ("Reset: it was N") */
    SC_WINDOW_PLUS,        /* "+1" */
    SC_WINDOW_MINUS,       /* "-1" */
    SC_WINDOW_RESET,       /* "Reset" */
    SC_WINDOW_AMOUNT,      /* the edit box with the amount for "Add" */
    SC_WINDOW_ADD,         /* "Add" */
};

#endif /* SC_COUNTER_WINDOW_H */
