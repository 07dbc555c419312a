"""What a run found, told as text and JUnit, with secrets masked."""
