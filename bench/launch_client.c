/* The smallest client: loads sharedcounter.dll, increments once, exits. */
#include "sharedcounter.h"

int main(void)
{
    sc_increment();
    return 0;
}
