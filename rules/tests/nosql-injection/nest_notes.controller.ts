import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Note } from './note.schema';

@Controller('notes')
export class NotesController {
  constructor(@InjectModel(Note.name) private readonly notes: Model<Note>) {}

  // A route parameter is text: no query operator rides in it.
  @Get(':id')
  findOne(@Param('id') id: string) {
    return this.notes.findOne({ _id: id }); // ok: nosql-injection
  }

  // The whole query string is an object: `?owner[$ne]=x`.
  @Get()
  search(@Query() filter: Record<string, unknown>) {
    return this.notes.find(filter); // ruleid: nosql-injection
  }

  @Post('search')
  searchByBody(@Body() body: { where: object }) {
    return this.notes.findOne(body.where); // ruleid: nosql-injection
  }
}
