/*
 * A cmocka group setup and teardown for tests that set the shared counter
 * to extreme values: the value it held before is put back afterwards, so
 * that someone watching it from another client is not surprised.
 */
#ifndef SC_SAVED_COUNTER_H
#define SC_SAVED_COUNTER_H

int sc__save_counter(void **state);
int sc__restore_counter(void **state);

#endif /* SC_SAVED_COUNTER_H */
